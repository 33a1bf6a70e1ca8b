package dev.sandpod.app.observability;

import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessorSpanFactory;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.messaging.Message;
import org.axonframework.monitoring.MessageMonitor;
import org.axonframework.monitoring.NoOpMessageMonitorCallback;
import org.axonframework.tracing.NoOpSpanFactory;
import org.axonframework.tracing.Span;

/**
 * The event processors' per-event observation (Axon's OpenTelemetry span and Micrometer meters for every event
 * handled) skipped for the events of a replay, i.e. a projection's rebuild: a rebuild handles the whole history
 * again, tens of thousands of events a minute, and a span and a timer sample per replayed event were 4 % of its
 * CPU samples (bench/operations, JFR: {@code OpenTelemetrySpanFactory} and the processor's Micrometer monitors). They
 * describe old events handled again, not what the application does now: a replayed event's span would land in the
 * original run's trace (its {@code traceparent}) hours later, and the processor's meters would count it as a new
 * event. Live events are observed exactly as before; so is a batch that holds any of them.
 *
 * <p>A replayed event is one whose tracking token is Axon's {@link ReplayToken} ({@link ReplayToken#isReplay}):
 * the token a reset leaves until the processor passes the position it was reset at.
 */
final class ReplayedEventsUnobserved {

    private ReplayedEventsUnobserved() {}

    /** The processors' spans, none for replayed events. */
    static EventProcessorSpanFactory spans(EventProcessorSpanFactory delegate) {
        return delegate instanceof Spans ? delegate : new Spans(delegate);
    }

    /** The processor's monitor, not told of replayed events. */
    static MessageMonitor<? super Message<?>> monitor(MessageMonitor<? super Message<?>> delegate) {
        return new Monitor(delegate);
    }

    /**
     * Whether every message of the batch is replayed. A replay is a prefix of a processor's stream (its token stops
     * being a replay token at the reset position), so the batch's last message decides.
     */
    static boolean allReplayed(List<? extends EventMessage<?>> batch) {
        return !batch.isEmpty() && ReplayToken.isReplay(batch.get(batch.size() - 1));
    }

    private record Spans(EventProcessorSpanFactory delegate) implements EventProcessorSpanFactory {

        @Override
        public Span createBatchSpan(boolean streaming, List<? extends EventMessage<?>> batch) {
            return streaming && allReplayed(batch)
                    ? NoOpSpanFactory.NoOpSpan.INSTANCE
                    : delegate.createBatchSpan(streaming, batch);
        }

        @Override
        public Span createProcessEventSpan(boolean streaming, EventMessage<?> event) {
            return streaming && ReplayToken.isReplay(event)
                    ? NoOpSpanFactory.NoOpSpan.INSTANCE
                    : delegate.createProcessEventSpan(streaming, event);
        }
    }

    private record Monitor(MessageMonitor<? super Message<?>> delegate) implements MessageMonitor<Message<?>> {

        @Override
        public MonitorCallback onMessageIngested(Message<?> message) {
            return ReplayToken.isReplay(message)
                    ? NoOpMessageMonitorCallback.INSTANCE
                    : delegate.onMessageIngested(message);
        }
    }
}
