package dev.sandpod.web.error;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.messaging.interceptors.JSR303ViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * The one mapping from a failure to what the client sees: a status and a {@code {detail, type}} body
 * (422 validation errors carry a list of {@code {loc, msg, type}}). Never a stack trace; unexpected
 * failures are logged here and answered with a bare 500.
 */
public final class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    public record Answer(HttpStatusCode status, Map<String, Object> body) {}

    private ApiErrors() {}

    public static Answer of(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof RequestValidationException v) {
            List<Map<String, Object>> detail = new ArrayList<>();
            v.violations().forEach(x -> detail.add(violation(x.loc(), x.msg(), x.type())));
            return new Answer(HttpStatus.UNPROCESSABLE_ENTITY, body(detail, "RequestValidationError"));
        }
        if (e instanceof SandpodException s) {
            return answer(s.code(), s.getMessage());
        }
        if (e instanceof WebExchangeBindException bind) {
            List<Map<String, Object>> detail = new ArrayList<>();
            for (FieldError field : bind.getFieldErrors()) {
                detail.add(
                        violation(List.of("body", snake(field.getField())), field.getDefaultMessage(), "value_error"));
            }
            bind.getGlobalErrors()
                    .forEach(g -> detail.add(violation(List.of("body"), g.getDefaultMessage(), "value_error")));
            return new Answer(HttpStatus.UNPROCESSABLE_ENTITY, body(detail, "RequestValidationError"));
        }
        if (e instanceof JSR303ViolationException v) {
            List<Map<String, Object>> detail = new ArrayList<>();
            v.getViolations()
                    .forEach(x -> detail.add(
                            violation(List.of("body", x.getPropertyPath().toString()), x.getMessage(), "value_error")));
            return new Answer(HttpStatus.UNPROCESSABLE_ENTITY, body(detail, "RequestValidationError"));
        }
        if (e instanceof ServerWebInputException input) {
            String reason = input.getReason() == null ? "Invalid request" : input.getReason();
            if (input.getCause() instanceof DecodingException) {
                reason = "Request body is not valid JSON or has fields of the wrong type";
            }
            String where = input.getMethodParameter() != null
                            && input.getMethodParameter().getParameterName() != null
                    ? input.getMethodParameter().getParameterName()
                    : "body";
            return new Answer(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    body(List.of(violation(List.of(where), reason, "value_error")), "RequestValidationError"));
        }
        if (e instanceof MethodNotAllowedException) {
            return new Answer(HttpStatus.METHOD_NOT_ALLOWED, body("Method Not Allowed", "MethodNotAllowed"));
        }
        if (e instanceof UnsupportedMediaTypeStatusException) {
            return new Answer(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE, body("Unsupported media type", "UnsupportedMediaType"));
        }
        if (e instanceof NotAcceptableStatusException) {
            return new Answer(HttpStatus.NOT_ACCEPTABLE, body("Not acceptable", "NotAcceptable"));
        }
        if (e instanceof ResponseStatusException rse) {
            HttpStatusCode status = rse.getStatusCode();
            String detail =
                    status.value() == 404 ? "Not Found" : rse.getReason() != null ? rse.getReason() : "Request failed";
            if (status.is5xxServerError()) {
                log.error("Request failed", e);
            }
            return new Answer(status, body(detail, typeOf(status)));
        }
        if (e instanceof DataBufferLimitException) {
            return new Answer(HttpStatus.PAYLOAD_TOO_LARGE, body("Request body too large", "PayloadTooLarge"));
        }
        Answer store = StoreErrors.answer(error);
        if (store != null) {
            return store;
        }
        if (e instanceof TimeoutException) {
            log.warn("A request timed out", e);
            return new Answer(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    body("The service is busy; try again shortly", "ServiceUnavailable"));
        }
        log.error("Unexpected failure", e);
        return new Answer(HttpStatus.INTERNAL_SERVER_ERROR, body("Internal server error", "InternalError"));
    }

    /** The client closed the connection: nothing to answer and nothing wrong on our side. */
    public static boolean isClientGone(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            String name = e.getClass().getName();
            if (name.equals("reactor.netty.channel.AbortedException")
                    || name.equals("io.netty.channel.StacklessClosedChannelException")
                    || e instanceof java.nio.channels.ClosedChannelException
                    || (e instanceof java.io.IOException
                            && e.getMessage() != null
                            && (e.getMessage().contains("Broken pipe")
                                    || e.getMessage().contains("Connection reset")))) {
                return true;
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return false;
    }

    public static Answer answer(ErrorCode code, String message) {
        return new Answer(HttpStatusCode.valueOf(code.httpStatus()), body(message, code.typeName()));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        for (int i = 0; i < 10 && e != null; i++) {
            if ((e instanceof CompletionException
                            || e instanceof ExecutionException
                            || e instanceof CommandExecutionException)
                    && e.getCause() != null) {
                e = e.getCause();
            } else {
                break;
            }
        }
        return e == null ? error : e;
    }

    private static Map<String, Object> violation(List<String> loc, String msg, String type) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("loc", loc);
        v.put("msg", msg);
        v.put("type", type);
        return v;
    }

    static Map<String, Object> body(Object detail, String type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", detail);
        body.put("type", type);
        return body;
    }

    /**
     * The {@code type} of an error answered by its status alone (no route, a filter's bare status): its reason
     * phrase without spaces, so a 404 is {@code NotFound} wherever it comes from, like {@link ErrorCode#NOT_FOUND}.
     */
    public static String typeOf(HttpStatusCode status) {
        if (status.value() == ErrorCode.NOT_FOUND.httpStatus()) {
            return ErrorCode.NOT_FOUND.typeName();
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "Error" : known.getReasonPhrase().replaceAll("[^A-Za-z]", "");
    }

    private static String snake(String field) {
        return field.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }
}
