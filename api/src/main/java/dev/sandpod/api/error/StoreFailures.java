package dev.sandpod.api.error;

import java.util.Set;

/**
 * Tells a failure of the data store that passes (the store unreachable, or out of disk space) from any
 * other failure, by the exceptions in its cause chain. The web edge answers the first kind with 503 or
 * 507 instead of 500, and the consumers that must not lose what they hold (run reports, projections)
 * wait and retry instead of giving up or parking the event.
 *
 * <p>By class name, so that this module stays free of the Mongo driver and Spring: the driver's own
 * "could not reach a server" exceptions (server selection or pool wait timed out, a socket failed, the
 * pool was cleared), Spring's translation of them, and the Mongo-wire server's answer when its disk is full
 * (MongoDB's error {@code OutOfDiskSpace}, code {@value #OUT_OF_DISK_SPACE_CODE}, or the file system's
 * "No space left on device").
 */
public final class StoreFailures {

    /** MongoDB's error code for a write refused for lack of disk space. */
    public static final int OUT_OF_DISK_SPACE_CODE = 14031;

    public static final String OUT_OF_DISK_SPACE = "OutOfDiskSpace";

    public enum Kind {
        /** No server could be reached (down, restarting, unreachable): 503, try again shortly. */
        UNAVAILABLE,
        /** The server refused a write because its disk is full: 507; reads still work. */
        DISK_FULL
    }

    private static final Set<String> UNAVAILABLE = Set.of(
            "com.mongodb.MongoTimeoutException",
            "com.mongodb.MongoSocketException",
            "com.mongodb.MongoServerUnavailableException",
            "com.mongodb.MongoConnectionPoolClearedException",
            "com.mongodb.MongoNotPrimaryException",
            "com.mongodb.MongoNodeIsRecoveringException",
            "org.springframework.dao.DataAccessResourceFailureException");

    private StoreFailures() {}

    /** The kind of store failure somewhere in the cause chain, or null when it is none. */
    public static Kind classify(Throwable error) {
        int depth = 0;
        for (Throwable e = error; e != null && depth < 20; e = e.getCause(), depth++) {
            String message = e.getMessage();
            if (message != null
                    && (message.contains(OUT_OF_DISK_SPACE) || message.contains("No space left on device"))) {
                return Kind.DISK_FULL;
            }
            for (Class<?> type = e.getClass(); type != null; type = type.getSuperclass()) {
                if (UNAVAILABLE.contains(type.getName())) {
                    return Kind.UNAVAILABLE;
                }
            }
            if (e.getCause() == e) {
                break;
            }
        }
        return null;
    }

    /** A store failure that passes: worth waiting for and trying again. */
    public static boolean isTransient(Throwable error) {
        return classify(error) != null;
    }
}
