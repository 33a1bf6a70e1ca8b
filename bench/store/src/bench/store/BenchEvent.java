package bench.store;

/** The benchmark's event: its aggregate and sequence ride in the payload so the handler can check order. */
public record BenchEvent(String aggregateId, long sequence, String text) {
}
