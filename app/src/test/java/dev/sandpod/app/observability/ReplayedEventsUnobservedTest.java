package dev.sandpod.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessorSpanFactory;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitorCallback;
import org.axonframework.tracing.NoOpSpanFactory;
import org.axonframework.tracing.Span;
import org.axonframework.tracing.SpanScope;
import org.junit.jupiter.api.Test;

/**
 * A projection's rebuild handles its whole history again: the processors' per-event span and meters are skipped for
 * those replayed events (they are not what the application does now, and they cost 4 % of a rebuild's CPU
 * samples), while every live event — also one in a batch that ends a replay — is observed as before.
 */
class ReplayedEventsUnobservedTest {

    /** A reset at position 10: events up to 10 are replayed, the ones after it are new. */
    private static final TrackingToken RESET_AT = new GlobalSequenceTrackingToken(10);

    @Test
    void replayedEventsGetNoSpanAndNoMeterLiveOnesDo() {
        RecordingSpans spans = new RecordingSpans();
        RecordingMonitor meters = new RecordingMonitor();
        EventProcessorSpanFactory untraced = ReplayedEventsUnobserved.spans(spans);
        MessageMonitor<? super Message<?>> unmetered = ReplayedEventsUnobserved.monitor(meters);

        TrackedEventMessage<?> replayed = event(5);
        TrackedEventMessage<?> live = event(11);

        assertThat(untraced.createProcessEventSpan(true, replayed)).isSameAs(NoOpSpanFactory.NoOpSpan.INSTANCE);
        assertThat(untraced.createBatchSpan(true, List.of(event(4), replayed)))
                .isSameAs(NoOpSpanFactory.NoOpSpan.INSTANCE);
        assertThat(unmetered.onMessageIngested(replayed)).isSameAs(NoOpMessageMonitorCallback.INSTANCE);
        assertThat(spans.events).isEmpty();
        assertThat(meters.ingested).isEmpty();

        untraced.createProcessEventSpan(true, live);
        untraced.createBatchSpan(true, List.of(replayed, live)); // the batch that ends the replay
        unmetered.onMessageIngested(live);
        assertThat(spans.events).containsExactly(live, live);
        assertThat(meters.ingested).containsExactly(live);
    }

    @Test
    void eventsOutsideAReplayAreObservedAsBefore() {
        RecordingSpans spans = new RecordingSpans();
        RecordingMonitor meters = new RecordingMonitor();
        EventMessage<?> published = GenericEventMessage.asEventMessage("published");
        TrackedEventMessage<?> tracked =
                new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(3), published);

        ReplayedEventsUnobserved.spans(spans).createProcessEventSpan(false, published);
        ReplayedEventsUnobserved.spans(spans).createProcessEventSpan(true, tracked);
        ReplayedEventsUnobserved.monitor(meters).onMessageIngested(tracked);

        assertThat(spans.events).containsExactly(published, tracked);
        assertThat(meters.ingested).containsExactly(tracked);
    }

    /** The event at {@code position} of a processor reset at {@link #RESET_AT} and replaying from the start. */
    private static TrackedEventMessage<?> event(long position) {
        TrackingToken token = ReplayToken.createReplayToken(RESET_AT, new GlobalSequenceTrackingToken(position));
        return new GenericTrackedEventMessage<>(token, GenericEventMessage.asEventMessage("event " + position));
    }

    private static final class RecordingSpans implements EventProcessorSpanFactory {
        final List<EventMessage<?>> events = new ArrayList<>();

        @Override
        public Span createBatchSpan(boolean streaming, List<? extends EventMessage<?>> batch) {
            events.add(batch.get(batch.size() - 1));
            return new RecordedSpan();
        }

        @Override
        public Span createProcessEventSpan(boolean streaming, EventMessage<?> event) {
            events.add(event);
            return new RecordedSpan();
        }
    }

    private static final class RecordedSpan implements Span {
        @Override
        public Span start() {
            return this;
        }

        @Override
        public SpanScope makeCurrent() {
            return () -> {};
        }

        @Override
        public void end() {}

        @Override
        public Span recordException(Throwable t) {
            return this;
        }
    }

    private static final class RecordingMonitor implements MessageMonitor<Message<?>> {
        final List<Message<?>> ingested = new ArrayList<>();

        @Override
        public MonitorCallback onMessageIngested(Message<?> message) {
            ingested.add(message);
            return NoOpMessageMonitorCallback.INSTANCE;
        }
    }
}
