package dev.sandpod.api.error;

import java.util.List;

/** Bad request input: answered 422 with {@code detail} as a list of {@code {loc, msg, type}}. */
public class RequestValidationException extends SandpodException {

    public record Violation(List<String> loc, String msg, String type) {}

    private final List<Violation> violations;

    public RequestValidationException(List<Violation> violations) {
        super(
                ErrorCode.VALIDATION,
                violations.isEmpty() ? "Invalid request" : violations.get(0).msg());
        this.violations = List.copyOf(violations);
    }

    public static RequestValidationException of(String where, String field, String msg) {
        return new RequestValidationException(List.of(new Violation(List.of(where, field), msg, "value_error")));
    }

    public List<Violation> violations() {
        return violations;
    }
}
