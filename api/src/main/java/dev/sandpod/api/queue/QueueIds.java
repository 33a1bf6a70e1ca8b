package dev.sandpod.api.queue;

/** The one cluster-wide dispatch queue. */
public final class QueueIds {

    public static final String DEFAULT = "default";

    private QueueIds() {}
}
