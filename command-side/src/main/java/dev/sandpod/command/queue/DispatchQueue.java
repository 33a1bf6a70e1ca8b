package dev.sandpod.command.queue;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.ExecutionEnqueuedEvent;
import dev.sandpod.api.queue.ExecutionReprioritizedEvent;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.ExecutionSlotReleasedEvent;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import dev.sandpod.api.queue.ReprioritizeExecutionCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * The cluster-wide dispatch queue: at most {@code maxConcurrent} executions hold a slot, the rest wait in
 * priority order, FIFO within a priority. Event-sourced, so the queue survives a restart; every end of an
 * execution releases its slot through the saga, so slots cannot leak.
 *
 * <p>First come is the execution that was queued first ({@code queuedAt}, the time of its
 * {@code ExecutionQueuedEvent}), not the one whose enqueue command arrived first: the saga's processor
 * handles executions on several segments at once, so under a burst their enqueues arrive in any order.
 * Arrival order only breaks ties (and orders the runs enqueued before the queued time was recorded,
 * which go first).
 *
 * <p>Fields are visible to Jackson because this aggregate is snapshotted (its stream grows with every run).
 */
@Aggregate(snapshotTriggerDefinition = "dispatchQueueSnapshotTrigger", cache = "dispatchQueueCache")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
class DispatchQueue {

    private static final Comparator<Waiting> DISPATCH_ORDER = Comparator.comparing(Waiting::priority)
            .thenComparing(Waiting::queuedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(Waiting::ticket);

    @AggregateIdentifier
    private String queueId;

    private long nextTicket;
    private List<Waiting> waiting = new ArrayList<>();
    private Set<String> active = new LinkedHashSet<>();

    DispatchQueue() {
        // for Axon
    }

    /** @return whether the execution holds a slot now (granted by this command or before): its saga may go on */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    boolean handle(EnqueueExecutionCommand command) {
        if (active.contains(command.executionId()) || isWaiting(command.executionId())) {
            return active.contains(command.executionId());
        }
        apply(new ExecutionEnqueuedEvent(
                command.queueId(), command.executionId(), command.priority(), command.queuedAt()));
        grantFreeSlots(command.maxConcurrent());
        return active.contains(command.executionId());
    }

    @CommandHandler
    void handle(ReleaseExecutionSlotCommand command) {
        if (active.contains(command.executionId()) || isWaiting(command.executionId())) {
            apply(new ExecutionSlotReleasedEvent(queueId, command.executionId()));
        }
        grantFreeSlots(command.maxConcurrent());
    }

    @CommandHandler
    void handle(ReprioritizeExecutionCommand command) {
        if (isWaiting(command.executionId())) {
            apply(new ExecutionReprioritizedEvent(queueId, command.executionId(), command.priority()));
        }
    }

    private void grantFreeSlots(int maxConcurrent) {
        while (active.size() < maxConcurrent) {
            Optional<Waiting> next = waiting.stream().min(DISPATCH_ORDER);
            if (next.isEmpty()) {
                return;
            }
            apply(new ExecutionSlotGrantedEvent(queueId, next.get().executionId()));
        }
    }

    private boolean isWaiting(String executionId) {
        return waiting.stream().anyMatch(w -> w.executionId().equals(executionId));
    }

    @EventSourcingHandler
    void on(ExecutionEnqueuedEvent event) {
        queueId = event.queueId();
        waiting.add(new Waiting(event.executionId(), event.priority(), event.queuedAt(), nextTicket++));
    }

    @EventSourcingHandler
    void on(ExecutionReprioritizedEvent event) {
        waiting.replaceAll(w -> w.executionId().equals(event.executionId())
                ? new Waiting(w.executionId(), event.priority(), w.queuedAt(), w.ticket())
                : w);
    }

    @EventSourcingHandler
    void on(ExecutionSlotGrantedEvent event) {
        waiting.removeIf(w -> w.executionId().equals(event.executionId()));
        active.add(event.executionId());
    }

    @EventSourcingHandler
    void on(ExecutionSlotReleasedEvent event) {
        waiting.removeIf(w -> w.executionId().equals(event.executionId()));
        active.remove(event.executionId());
    }

    /** {@code queuedAt} is null for runs enqueued before it was recorded (and in older snapshots). */
    record Waiting(String executionId, Priority priority, Instant queuedAt, long ticket) {}
}
