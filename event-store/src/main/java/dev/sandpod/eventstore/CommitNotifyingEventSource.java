package dev.sandpod.eventstore;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

    private final EventStore store;
    private final Set<NotifyingStream> open = new CopyOnWriteArraySet<>();
    /** One daemon thread for the streams' delayed wake-ups (see NotifyingStream). */
    private final ScheduledExecutorService rechecks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "commit-signal-rechecks");
        thread.setDaemon(true);
        return thread;
    });

    CommitNotifyingEventSource(EventStore store) {
        this.store = store;
        store.subscribe(this::committedLocally);
    }

    private void committedLocally(List<? extends EventMessage<?>> events) {
        List<String> ids = events.stream().map(EventMessage::getIdentifier).toList();
        if (CurrentUnitOfWork.isStarted()) {
            CurrentUnitOfWork.get().afterCommit(unitOfWork -> signalAll(ids));
        } else {
            signalAll(ids);
        }
    }

    private void signalAll(List<String> ids) {
        open.forEach(stream -> stream.signal(ids));
    }

    @Override
    public BlockingStream<TrackedEventMessage<?>> openStream(TrackingToken trackingToken) {
        NotifyingStream stream = new NotifyingStream(store.openStream(trackingToken), open, rechecks);
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
}
