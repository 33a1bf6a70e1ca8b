package dev.sandpod.app.observability;

import dev.sandpod.api.queue.QueueStatusView;
import dev.sandpod.api.ratelimit.EndpointGroup;
import dev.sandpod.projections.queue.QueueProjection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gauges read at scrape time: the dispatch queue (from its read model, which survives restarts) and how far
 * each streaming event processor is behind the head of the event store. Each reading is cached for a second:
 * Prometheus and OTLP read every gauge, and one scrape should cost one look at the store, not one per meter.
 */
@Component
class SystemGauges implements MeterBinder {

    private static final Duration FRESH = Duration.ofSeconds(1);

    private final QueueProjection queue;
    private final EventProcessingConfiguration processing;
    private final EventStore events;
    private final Cached<QueueStatusView> queueStatus;
    private final Cached<TrackingToken> head;
    private final Map<String, Boolean> registeredProcessors = new ConcurrentHashMap<>();

    SystemGauges(QueueProjection queue, EventProcessingConfiguration processing, EventStore events) {
        this.queue = queue;
        this.processing = processing;
        this.events = events;
        this.queueStatus = new Cached<>(queue::status);
        this.head = new Cached<>(events::createHeadToken);
    }

    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("sandpod.queue.depth", queueStatus, q -> q.get().queueDepth())
                .description("Executions waiting for a slot")
                .register(registry);
        Gauge.builder("sandpod.queue.active", queueStatus, q -> q.get().activeCount())
                .description("Executions holding a slot (scheduled or running)")
                .register(registry);
        // The rate-limit filter counts its refusals per endpoint group; every group's series exists from the start.
        for (EndpointGroup group : EndpointGroup.values()) {
            registry.counter("sandpod.rate_limit.rejections", "group", group.wireName());
        }
    }

    /** Axon builds its processors when it starts, after the meter binders ran: their gauges come once it has. */
    @EventListener(ApplicationReadyEvent.class)
    void processorsStarted() {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        for (String name : processing.eventProcessors().keySet()) {
            processing
                    .eventProcessor(name, StreamingEventProcessor.class)
                    .ifPresent(processor -> registeredProcessors.computeIfAbsent(name, n -> {
                        Gauge.builder("sandpod.event.processor.lag", processor, this::lagSeconds)
                                .description(
                                        "How far a streaming event processor is behind the newest stored event (its slowest segment)")
                                .baseUnit("seconds")
                                .tag("processor", n)
                                .register(registry);
                        Gauge.builder("sandpod.event.processor.replaying", processor, p -> p.isReplaying() ? 1 : 0)
                                .description("1 while the processor replays (rebuilds its read model)")
                                .tag("processor", n)
                                .register(registry);
                        return true;
                    }));
        }
    }

    /**
     * Seconds between the newest stored event and the slowest segment's token; 0 for a caught-up segment.
     * Mongo tokens have no position, so the distance is measured in time; tokens with a position (other
     * stores) measure it against the head's position, in events.
     */
    double lagSeconds(StreamingEventProcessor processor) {
        TrackingToken headToken = head.get();
        double worst = 0;
        for (EventTrackerStatus status : processor.processingStatus().values()) {
            if (status.isCaughtUp() && !status.isReplaying()) {
                continue;
            }
            TrackingToken token = WrappedToken.unwrapLowerBound(status.getTrackingToken());
            if (headToken instanceof MongoTrackingToken h) {
                long behindMillis = token instanceof MongoTrackingToken t
                        ? h.getTimestamp().toEpochMilli() - t.getTimestamp().toEpochMilli()
                        : 0;
                worst = Math.max(worst, Math.max(0, behindMillis) / 1000.0);
            } else if (headToken != null) {
                OptionalLong at = token == null ? OptionalLong.of(0) : token.position();
                OptionalLong end = headToken.position();
                if (at.isPresent() && end.isPresent()) {
                    worst = Math.max(worst, end.getAsLong() - at.getAsLong());
                }
            }
        }
        return worst;
    }

    /** A value recomputed at most once per {@link #FRESH}. */
    private static final class Cached<T> {
        private final Supplier<T> source;
        private volatile T value;
        private volatile long readAt;

        Cached(Supplier<T> source) {
            this.source = source;
        }

        synchronized T get() {
            long now = System.nanoTime();
            if (value == null || now - readAt > FRESH.toNanos()) {
                value = source.get();
                readAt = now;
            }
            return value;
        }
    }
}
