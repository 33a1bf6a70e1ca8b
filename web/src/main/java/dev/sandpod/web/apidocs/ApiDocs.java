package dev.sandpod.web.apidocs;

/**
 * Where the API description is served: the OpenAPI document, the browsable page and the page's own files.
 * All are public and read-only; the paths are set in {@code application.yml} ({@code springdoc.*}).
 */
public final class ApiDocs {

    public static final String DOCUMENT = "/openapi.json";
    public static final String PAGE = "/docs";
    /** Swagger UI's page, scripts and styles ({@link #PAGE} redirects to its {@code index.html}). */
    static final String UI_FILES = "/swagger-ui/";

    static final String UI_WEBJAR = "/webjars/swagger-ui/";

    private ApiDocs() {}

    /** A path of the API description (not the SPA's, not the API's). */
    public static boolean serves(String path) {
        return path.equals(DOCUMENT)
                || path.startsWith(DOCUMENT + "/")
                || path.equals(PAGE)
                || path.startsWith(PAGE + "/")
                || path.startsWith(UI_FILES)
                || path.startsWith(UI_WEBJAR);
    }
}
