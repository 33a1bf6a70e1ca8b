package dev.sandpod.api.kafka;

/** The Kafka topics between the platform and its runners. All are keyed by execution id. */
public final class Topics {

    /** {@code RunCommand}: run or cancel requests, published from the event store (the outbox). */
    public static final String RUN_REQUESTS = "sandpod.run-requests";
    /** {@code RunReport}: started / output / finished facts from the runners. */
    public static final String RUN_REPORTS = "sandpod.run-reports";

    /**
     * The run requests executors have taken on (compacted; value: the runner id), so that a request redelivered
     * after an executor restart is not run again.
     */
    public static final String RUN_CLAIMS = "sandpod.run-claims";

    private Topics() {}
}
