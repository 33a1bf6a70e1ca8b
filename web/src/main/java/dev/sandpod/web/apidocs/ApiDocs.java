package dev.sandpod.web.apidocs;

/**
 * Where the API description is served: the OpenAPI document, the browsable page and the page's own files.
 * All are public and read-only; the paths are set in {@code application.yml} ({@code springdoc.*}).
 */
public final class ApiDocs {

    public static final String DOCUMENT = "/openapi.json";
    public static final String PAGE = "/docs";
    /** Swagger UI's scripts and styles, and its configuration next to the document. */
    static final String UI_FILES = "/webjars/swagger-ui/";

    private ApiDocs() {}

    /** A path of the API description (not the SPA's, not the API's). */
    public static boolean serves(String path) {
        return path.equals(DOCUMENT)
                || path.startsWith(DOCUMENT + "/")
                || path.equals(PAGE)
                || path.startsWith(PAGE + "/")
                || path.startsWith(UI_FILES);
    }
}
