package dev.sandpod.web.apidocs;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.web.Caller;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API description generated from the controllers (springdoc): what the document says beyond what the
 * annotations say, in one place. {@link ApiConventions} adds the cross-cutting parts (sessions, CSRF, rate
 * limits, the {@code {detail, type}} error bodies); this class adds the document's header, the wire names
 * of enumerations, operation ids and the {@link Addition} marks.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

    static final String ADDITION = "x-sandpod-addition";
    static final String ADDED_VALUES = "x-sandpod-added-values";

    /** Enumerations whose Java name says less than the API's (the API names them by what they are about). */
    private static final Map<String, String> ENUM_NAMES =
            Map.of("ErrorType", "ExecutionErrorType", "Priority", "QueuePriority");

    static {
        // the signed-in caller comes from the session cookie, never from a parameter the client sends
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI sandpodOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Sandpod API").version("v1").description("""
                                Run code in a sandbox and follow it live. Every field on the wire is snake_case; \
                                every failure is a JSON `{detail, type}` body (a 422 lists `{loc, msg, type}` \
                                violations in `detail`).

                                **Sessions.** `POST /api/v1/auth/login` (a form) sets two cookies: `access_token` \
                                (the session, HttpOnly) and `csrf_token`. Every other call sends the cookies back, \
                                and every POST, PUT and DELETE also sends the `csrf_token` value in the \
                                `X-CSRF-Token` header.

                                **Access tokens.** Scripts and CI jobs send a personal access token instead \
                                (`Authorization: Bearer sp_…`, created at `POST /api/v1/user/tokens`): no cookie, no \
                                CSRF header. Its scopes (`execute`, `read`, `scripts`, `admin`) decide what it may \
                                call; managing tokens needs a session.

                                **Paths.** Collection paths answer with or without a trailing slash \
                                (`/api/v1/scripts` and `/api/v1/scripts/`); each is listed once here.

                                **Additions.** Operations, fields and enumeration values that Sandpod serves beyond \
                                the reference contract it implements are marked `x-sandpod-addition: true` \
                                (or `x-sandpod-added-values`)."""))
                .servers(List.of(new Server().url("/").description("this Sandpod")))
                .components(
                        new io.swagger.v3.oas.models.Components()
                                .addSecuritySchemes(
                                        ApiConventions.SESSION,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.APIKEY)
                                                .in(SecurityScheme.In.COOKIE)
                                                .name("access_token")
                                                .description("The session cookie set by POST /api/v1/auth/login"))
                                .addSecuritySchemes(
                                        ApiConventions.CSRF,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.APIKEY)
                                                .in(SecurityScheme.In.HEADER)
                                                .name("X-CSRF-Token")
                                                .description(
                                                        "The value of the csrf_token cookie, on every POST, PUT and DELETE"))
                                .addSecuritySchemes(
                                        ApiConventions.ACCESS_TOKEN,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .description("A personal access token (POST /api/v1/user/tokens),"
                                                        + " within its scopes; no cookie or CSRF header"))
                                .addSecuritySchemes(
                                        ApiConventions.ALERT_SECRET,
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.APIKEY)
                                                .in(SecurityScheme.In.HEADER)
                                                .name("X-Grafana-Secret")
                                                .description(
                                                        "The alert intake's shared secret (or `Authorization: Bearer <secret>`)")));
    }

    @Bean
    OpenApiCustomizer sandpodConventions() {
        return new ApiConventions();
    }

    /** {@code <resource>_<method>}: stable, readable ids instead of springdoc's numbered method names. */
    @Bean
    OperationCustomizer sandpodOperations() {
        return (operation, handler) -> {
            ApiResource named = handler.getBeanType().getAnnotation(ApiResource.class);
            String resource = named != null
                    ? named.value()
                    : handler.getBeanType().getSimpleName().replace("Controller", "");
            operation.setOperationId(Character.toLowerCase(resource.charAt(0)) + resource.substring(1) + "_"
                    + handler.getMethod().getName());
            if (handler.hasMethodAnnotation(Addition.class)) {
                operation.addExtension(ADDITION, true);
            }
            return operation;
        };
    }

    /** {@link Addition} on a response or request field. */
    @Bean
    PropertyCustomizer sandpodAdditions() {
        return (property, type) -> {
            Addition addition = find(type.getCtxAnnotations(), Addition.class);
            if (addition != null) {
                if (addition.values().length == 0) {
                    property.addExtension(ADDITION, true);
                } else {
                    property.addExtension(ADDED_VALUES, List.of(addition.values()));
                }
            }
            return property;
        };
    }

    /**
     * Reads the records as the app's own JSON mapper writes them (snake_case names, Java time as ISO
     * strings), and writes Sandpod's enumerations by their wire names ({@code queued}, not {@code QUEUED}):
     * a field documented with {@code @Schema(implementation = ExecutionStatus.class)} lists those.
     */
    @Bean
    ModelConverter sandpodModels(ObjectMapper json) {
        // a copy: swagger-core registers its own annotation introspector on the mapper it is given
        ModelResolver resolver = new ModelResolver(json.copy()) {
            @Override
            public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
                JavaType java = _mapper.constructType(type.getType());
                Class<?> raw = java == null ? null : java.getRawClass();
                Method wireName = raw != null && raw.isEnum() ? wireName(raw) : null;
                if (wireName == null) {
                    return super.resolve(type, context, chain);
                }
                Schema<Object> schema = ApiConventions.typed("string");
                for (Object constant : raw.getEnumConstants()) {
                    try {
                        schema.addEnumItemObject(wireName.invoke(constant));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                Addition added = raw.getAnnotation(Addition.class);
                if (added != null && added.values().length > 0) {
                    schema.addExtension(ADDED_VALUES, List.of(added.values()));
                }
                String name = ENUM_NAMES.getOrDefault(raw.getSimpleName(), raw.getSimpleName());
                context.defineModel(name, schema);
                Schema<Object> ref = new Schema<>(SpecVersion.V31);
                ref.$ref(Components.COMPONENTS_SCHEMAS_REF + name);
                return ref;
            }
        };
        return resolver.openapi31(true);
    }

    private static Method wireName(Class<?> type) {
        try {
            Method method = type.getMethod("wireName");
            return method.getReturnType() == String.class ? method : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static <A extends Annotation> A find(Annotation[] annotations, Class<A> type) {
        if (annotations != null) {
            for (Annotation annotation : annotations) {
                if (type.isInstance(annotation)) {
                    return type.cast(annotation);
                }
            }
        }
        return null;
    }
}
