package dev.sandpod.api.error;

/**
 * Every failure a client can see, with the HTTP status the web edge answers it with and the {@code type}
 * name of the {@code {detail, type}} error body.
 */
public enum ErrorCode {
    VALIDATION(422, "ValidationError"),
    BAD_REQUEST(400, "BadRequest"),
    INVALID_STATE(400, "InvalidState"),
    UNAUTHORIZED(401, "Unauthorized"),
    INVALID_CREDENTIALS(401, "InvalidCredentials"),
    FORBIDDEN(403, "Forbidden"),
    ACCOUNT_INACTIVE(403, "AccountInactive"),
    CSRF_FAILED(403, "CSRFValidationError"),
    ADMIN_REQUIRED(403, "AdminRequired"),
    NOT_FOUND(404, "NotFound"),
    CONFLICT(409, "Conflict"),
    PAYLOAD_TOO_LARGE(413, "PayloadTooLarge"),
    UNSUPPORTED_RUNTIME(422, "UnsupportedRuntime"),
    ACCOUNT_LOCKED(423, "AccountLocked"),
    TOO_MANY_REQUESTS(429, "TooManyRequests"),
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable"),
    INTERNAL(500, "InternalError");

    private final int httpStatus;
    private final String typeName;

    ErrorCode(int httpStatus, String typeName) {
        this.httpStatus = httpStatus;
        this.typeName = typeName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String typeName() {
        return typeName;
    }
}
