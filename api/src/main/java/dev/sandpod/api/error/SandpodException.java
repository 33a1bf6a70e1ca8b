package dev.sandpod.api.error;

/**
 * A domain failure that carries its {@link ErrorCode}; the web edge turns it into the status and body the
 * client sees. Thrown by command handlers (Axon wraps it in a {@code CommandExecutionException} whose
 * details carry the code across the bus) and by the web layer itself.
 */
public class SandpodException extends RuntimeException {

    private final ErrorCode code;

    public SandpodException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
