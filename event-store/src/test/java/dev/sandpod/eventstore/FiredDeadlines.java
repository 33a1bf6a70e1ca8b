package dev.sandpod.eventstore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One per application context: what the deadline handlers of that context saw (saga state -> payload). */
class FiredDeadlines {

    private final Map<String, DeadlineProbeSaga.ProbeDeadline> fired = new ConcurrentHashMap<>();

    void record(String sagaProbeId, DeadlineProbeSaga.ProbeDeadline deadline) {
        fired.put(sagaProbeId, deadline);
    }

    Map<String, DeadlineProbeSaga.ProbeDeadline> fired() {
        return Map.copyOf(fired);
    }
}
