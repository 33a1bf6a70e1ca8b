package dev.sandpod.web.support;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** Server-sent event streams open on this instance, by kind: the {@code sandpod.sse.connections} gauge. */
@Component
public class OpenStreams {

    private final ObjectProvider<MeterRegistry> meters;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public OpenStreams(ObjectProvider<MeterRegistry> meters) {
        this.meters = meters;
    }

    /** The stream, counted from its subscription until it ends however it ends (completion, error, client gone). */
    public <T> Flux<T> counted(String kind, Flux<T> stream) {
        AtomicInteger count = open.computeIfAbsent(kind, this::gauge);
        return Flux.defer(() -> {
            count.incrementAndGet();
            return stream.doFinally(signal -> count.decrementAndGet());
        });
    }

    private AtomicInteger gauge(String kind) {
        AtomicInteger count = new AtomicInteger();
        MeterRegistry registry = meters.getIfAvailable();
        if (registry != null) {
            Gauge.builder("sandpod.sse.connections", count, AtomicInteger::get)
                    .description("Server-sent event streams open on this instance")
                    .tag("stream", kind)
                    .register(registry);
        }
        return count;
    }
}
