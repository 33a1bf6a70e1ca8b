package dev.sandpod.api.kafka;

/** The Kafka topics between the platform and its runners. Both are keyed by execution id. */
public final class Topics {

    /** {@code RunCommand}: run or cancel requests, published from the event store (the outbox). */
    public static final String RUN_REQUESTS = "sandpod.run-requests";
    /** {@code RunReport}: started / output / finished facts from the runners. */
    public static final String RUN_REPORTS = "sandpod.run-reports";

    private Topics() {}
}
