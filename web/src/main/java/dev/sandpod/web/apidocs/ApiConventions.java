package dev.sandpod.web.apidocs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * What holds for every operation, written into the document once here instead of on each controller: who
 * may call it (the session cookie, the CSRF header, the admin role, the alert intake's secret), the
 * answers the front door gives before a controller runs (401, 403, 413, 422, 429) and the
 * {@code {detail, type}} body of every failure. The rules are the front door's
 * ({@code web.security.AuthenticationFilter}, {@code web.ratelimit.RateLimitFilter}); the app's API document
 * test calls every operation anonymously to hold the two together.
 *
 * <p>Just over 400 lines: one rule per front-door answer, kept together so the document's conventions read in
 * one place.
 */
final class ApiConventions implements OpenApiCustomizer {

    static final String SESSION = "session";
    static final String CSRF = "csrf";
    /** A personal access token, the alternative to session and CSRF for REST clients. */
    static final String ACCESS_TOKEN = "accessToken";

    static final String ALERT_SECRET = "alertSecret";
    static final String ERROR = "ErrorResponse";
    static final String VALIDATION_ERROR = "HTTPValidationError";
    static final String VIOLATION = "ValidationError";

    /** Operations open without a session (the front door's public routes). */
    private static final Set<String> PUBLIC = Set.of(
            "GET /api/v1/health/live",
            "GET /api/v1/health/ready",
            "GET /api/v1/example-scripts",
            "GET /api/v1/k8s-limits",
            "POST /api/v1/auth/login",
            "POST /api/v1/auth/register");

    /** The one failure answered with a body of its own: what the readiness check found down. */
    private static final Set<String> OWN_ERROR_BODY = Set.of("GET /api/v1/health/ready 503");

    /** Authenticated by a shared secret, not a session. */
    private static final String ALERT_INTAKE = "POST /api/v1/alerts/grafana";

    /** The sections of the page, in this order (and so in the document, whatever order controllers load in). */
    private static final List<String> TAG_ORDER = List.of(
            "Authentication",
            "Executions",
            "Saved scripts",
            "Notifications",
            "User settings",
            "Runtimes",
            "Health",
            "Admin: users",
            "Admin: executions",
            "Admin: rate limits",
            "Admin: settings");

    private static final Set<PathItem.HttpMethod> UNSAFE = Set.of(
            PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT, PathItem.HttpMethod.PATCH, PathItem.HttpMethod.DELETE);
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z0-9]+)}");

    @Override
    public void customise(OpenAPI api) {
        Components components = api.getComponents();
        components.addSchemas(VIOLATION, violationSchema());
        components.addSchemas(ERROR, errorSchema());
        components.addSchemas(VALIDATION_ERROR, validationErrorSchema());
        Paths paths = new Paths();
        new TreeMap<>(api.getPaths()).forEach((path, item) -> {
            String bare = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (!bare.equals(path) && api.getPaths().containsKey(bare)) {
                return; // the same operations as the path without the slash, listed once
            }
            paths.addPathItem(snakeCaseVariables(bare, item), item);
        });
        api.setPaths(paths);
        paths.forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> conventions(path, method, op)));
        ApiSchemas.requireEveryResponseField(api);
        orderTags(api);
        describeApiRecords(components.getSchemas());
        ApiSchemas.dropUnused(api);
    }

    /**
     * Records of the {@code api} module that the edge answers as they are: that module carries no web
     * annotations, so what their fields hold beyond "a string" is said here.
     */
    @SuppressWarnings("unchecked")
    private static void describeApiRecords(Map<String, Schema> schemas) {
        Schema<?> user = schemas.get("UserResponse");
        if (user != null) {
            ((Map<String, Schema>) user.getProperties()).put("role", ref("UserRole"));
            user.getProperties().get("email").setFormat("email");
        }
        Schema<?> settings = schemas.get("SystemSettings");
        if (settings != null) {
            // the levels SystemSettingsController accepts
            settings.getProperties().get("log_level").setEnum(List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"));
        }
    }

    private static <E> List<Object> wireNames(E[] values, java.util.function.Function<E, String> wireName) {
        return java.util.Arrays.stream(values)
                .map(wireName)
                .map(Object.class::cast)
                .toList();
    }

    /** One entry per tag (springdoc lists a tag once per controller), with its description, in page order. */
    private static void orderTags(OpenAPI api) {
        Map<String, Tag> byName = new TreeMap<>();
        if (api.getTags() != null) {
            for (Tag tag : api.getTags()) {
                Tag known = byName.putIfAbsent(tag.getName(), tag);
                if (known != null && known.getDescription() == null) {
                    known.setDescription(tag.getDescription());
                }
            }
        }
        List<Tag> ordered = new ArrayList<>();
        TAG_ORDER.stream()
                .map(byName::remove)
                .filter(java.util.Objects::nonNull)
                .forEach(ordered::add);
        ordered.addAll(byName.values());
        api.setTags(ordered);
    }

    /** {@code {executionId}} → {@code {execution_id}}: path variables named like every other wire name. */
    private static String snakeCaseVariables(String path, PathItem item) {
        Matcher m = VARIABLE.matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String camel = m.group(1);
            String snake = snake(camel);
            item.readOperations().forEach(op -> {
                if (op.getParameters() != null) {
                    op.getParameters().stream()
                            .filter(p -> "path".equals(p.getIn()) && camel.equals(p.getName()))
                            .forEach(p -> p.setName(snake));
                }
            });
            m.appendReplacement(out, Matcher.quoteReplacement("{" + snake + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void conventions(String path, PathItem.HttpMethod method, Operation op) {
        String key = method + " " + path;
        boolean open = PUBLIC.contains(key);
        boolean alerts = ALERT_INTAKE.equals(key);
        boolean unsafe = UNSAFE.contains(method);
        ApiResponses responses = op.getResponses();
        if (alerts) {
            op.setSecurity(List.of(new SecurityRequirement().addList(ALERT_SECRET)));
            error(responses, "401", "The alert secret is missing or wrong");
        } else if (open) {
            op.setSecurity(List.of());
        } else {
            SecurityRequirement session = new SecurityRequirement().addList(SESSION);
            if (unsafe) {
                session.addList(CSRF);
            }
            boolean sessionOnly = path.startsWith("/api/v1/user/tokens") || path.equals("/api/v1/auth/logout");
            op.setSecurity(
                    sessionOnly ? List.of(session) : List.of(session, new SecurityRequirement().addList(ACCESS_TOKEN)));
            error(responses, "401", "Not signed in, or the session has ended");
            if (unsafe) {
                error(responses, "403", "The X-CSRF-Token header is missing or not this session's");
            }
        }
        if (path.startsWith("/api/v1/admin/")) {
            error(responses, "403", "Admin access required");
        }
        boolean body = op.getRequestBody() != null;
        if (body) {
            error(responses, "413", "The body is larger than the request size limit (10 MB by default)");
        }
        if (body || hasInput(op.getParameters())) {
            error(responses, "422", "A parameter or a field of the body is invalid (each violation is listed)");
        }
        if (!path.startsWith("/api/v1/health/")) {
            error(responses, "429", "Too many requests: wait as long as Retry-After says");
            responses
                    .get("429")
                    .addHeaderObject(
                            "Retry-After",
                            new Header()
                                    .description("Seconds until the limit lets a request through again")
                                    .schema(typed("integer")));
        }
        if (!responses.containsKey("default")) {
            responses.addApiResponse(
                    "default",
                    new ApiResponse()
                            .description("Any other failure: 500 InternalError, or 503 ServiceUnavailable when the "
                                    + "service is too busy to answer in time"));
        }
        responses.forEach((code, response) -> {
            boolean failure = "default".equals(code) || code.compareTo("400") >= 0;
            // springdoc gives an @ApiResponse without content the method's return type: a success's body
            boolean borrowed = !OWN_ERROR_BODY.contains(key + " " + code);
            if (failure && borrowed) {
                response.setContent(new Content()
                        .addMediaType(
                                "application/json",
                                new MediaType().schema(ref("422".equals(code) ? VALIDATION_ERROR : ERROR))));
            }
        });
    }

    private static boolean hasInput(List<Parameter> parameters) {
        // headers (Idempotency-Key, Last-Event-ID, the alert secret) are read as given, never refused
        return parameters != null && parameters.stream().anyMatch(p -> "query".equals(p.getIn()));
    }

    /** Adds the answer, or adds its reason to the one the operation already documents for that status. */
    private static void error(ApiResponses responses, String code, String description) {
        ApiResponse existing = responses.get(code);
        if (existing == null) {
            responses.addApiResponse(code, new ApiResponse().description(description));
        } else if (existing.getDescription() == null
                || existing.getDescription().isBlank()) {
            existing.setDescription(description);
        } else if (!existing.getDescription().contains(description)) {
            existing.setDescription(existing.getDescription() + "; or " + Character.toLowerCase(description.charAt(0))
                    + description.substring(1));
        }
    }

    private static Schema<Object> errorSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("detail", typed("string").description("What went wrong, for a person to read"));
        properties.put(
                "type",
                typed("string")
                        .description("What kind of failure, for a program to branch on: NotFound, "
                                + "Unauthorized, CSRFValidationError, AdminRequired, InvalidState, Conflict, "
                                + "AccountLocked, TooManyRequests, ServiceUnavailable, InternalError, …"));
        return object(properties, "Every failure: a sentence and the kind of failure");
    }

    private static Schema<Object> violationSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        Schema<Object> part = new Schema<>(SpecVersion.V31);
        part.anyOf(List.of(typed("string"), typed("integer")));
        properties.put(
                "loc",
                typed("array")
                        .items(part)
                        .description("Where: body, query, path or header, then the field (and index)"));
        properties.put("msg", typed("string").description("What is wrong with it"));
        properties.put("type", typed("string").description("The kind of violation (missing, value_error, …)"));
        return object(properties, "One invalid input");
    }

    private static Schema<Object> validationErrorSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        Schema<Object> detail = new Schema<>(SpecVersion.V31);
        detail.anyOf(List.of(typed("array").items(ref(VIOLATION)), typed("string")));
        detail.description("The violations; a sentence instead when the input is refused as a whole (an "
                + "unsupported runtime)");
        properties.put("detail", detail);
        Schema<Object> type =
                typed("string").description("RequestValidationError, ValidationError or UnsupportedRuntime");
        type.addExtension(ApiDocsConfiguration.ADDITION, true);
        properties.put("type", type);
        return object(properties, "422: the input broke the rules");
    }

    private static Schema<Object> object(Map<String, Schema> properties, String description) {
        Schema<Object> schema = typed("object").description(description);
        schema.setProperties(properties);
        schema.setRequired(new ArrayList<>(properties.keySet()));
        return schema;
    }

    static Schema<Object> typed(String type) {
        Schema<Object> schema = new Schema<>(SpecVersion.V31);
        schema.type(type);
        schema.addType(type);
        return schema;
    }

    private static Schema<Object> ref(String name) {
        Schema<Object> schema = new Schema<>(SpecVersion.V31);
        schema.$ref("#/components/schemas/" + name);
        return schema;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
