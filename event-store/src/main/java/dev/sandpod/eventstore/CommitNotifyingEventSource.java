package dev.sandpod.eventstore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The event store as a source for pooled streaming processors, with one addition: streams tell their
 * processor when an event was committed in this JVM. Axon's embedded event store does not offer that
 * callback, so each pooled processor would otherwise look for new events only every 500 ms — and an
 * execution passes through four processors on its way (saga twice, dispatch, projection), adding about
 * two seconds to every run. Events committed by other instances are still found by the processor's
 * regular polling.
 */
final class CommitNotifyingEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    /** After a commit signal, how long a stream may wait for the store's reader to see the new event. */
    private static final int SIGNAL_WAIT_MILLIS = 100;

    private final EventStore store;
    private final Set<NotifyingStream> open = new CopyOnWriteArraySet<>();

    CommitNotifyingEventSource(EventStore store) {
        this.store = store;
        store.subscribe(this::committedLocally);
    }

    private void committedLocally(List<? extends EventMessage<?>> events) {
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> signalAll());
        } else {
            signalAll();
        }
    }

    private void signalAll() {
        open.forEach(NotifyingStream::signal);
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        NotifyingStream stream = new NotifyingStream(store.openStream(trackingToken));
        open.add(stream);
        return stream;
    }

    @Override
    public TrackingToken createTailToken() {
        return store.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return store.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(java.time.Instant dateTime) {
        return store.createTokenAt(dateTime);
    }

    private final class NotifyingStream implements BlockingStream<TrackedEventMessage<?>> {

        private final BlockingStream<TrackedEventMessage<?>> delegate;
        private final AtomicBoolean signalled = new AtomicBoolean();
        private volatile Runnable callback;

        NotifyingStream(BlockingStream<TrackedEventMessage<?>> delegate) {
            this.delegate = delegate;
        }

        void signal() {
            signalled.set(true);
            Runnable onAvailable = callback;
            if (onAvailable != null) {
                onAvailable.run();
            }
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            this.callback = callback;
            return true;
        }

        /**
         * A processor asks without waiting; right after a commit signal the store's reader may be a few
         * milliseconds behind, so then it waits briefly instead of concluding there is nothing new.
         */
        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            if (timeout == 0 && signalled.get()) {
                boolean available = delegate.hasNextAvailable(SIGNAL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                signalled.set(false);
                return available;
            }
            return delegate.hasNextAvailable(timeout, unit);
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            return delegate.peek();
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            return delegate.nextAvailable();
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
        }

        @Override
        public Stream<TrackedEventMessage<?>> asStream() {
            return delegate.asStream();
        }

        @Override
        public void close() {
            open.remove(this);
            delegate.close();
        }
    }
}
