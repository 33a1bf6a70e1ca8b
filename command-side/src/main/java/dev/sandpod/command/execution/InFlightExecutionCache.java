package dev.sandpod.command.execution;

import dev.sandpod.api.execution.MarkExecutionStartedCommand;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import java.util.Set;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * The executions this instance is driving, kept in memory between the commands of a run (issue 21: each command
 * loaded the execution from the store, a snapshot read and an event read, about three times a run).
 *
 * <p>An execution is kept only after a command that this instance's processors expect to follow with another:
 * scheduled (the runner's start report comes next) and started (its end report comes next). Any other command
 * (the request, which an API instance handles while the schedule comes from whichever instance holds the saga;
 * the outcome, a cancel, an expiry, a delete, a priority change) drops it, so an execution at rest or ended is
 * never held, and what is held is bounded by the runs in flight (and, being weakly referenced, by the heap).
 *
 * <p>A copy gone stale because another instance changed the execution meanwhile (a cancel there, a report
 * consumed there after a rebalance) cannot make a report be lost: a kept execution is scheduled or running, so
 * every report still applies an event; its append conflicts with the stored stream on the unique (aggregate,
 * sequence) index, Axon rolls back and evicts the copy, and the command is tried again on the stored execution
 * (the run-report consumer's error handler, the saga's retries, the backstop deadline, the next sweep), as for the
 * cached dispatch queue ("Hot aggregates across instances" in docs/architecture.md).
 */
class InFlightExecutionCache extends WeakReferenceCache {

    private static final Set<Class<?>> ANOTHER_FOLLOWS =
            Set.of(ScheduleExecutionCommand.class, MarkExecutionStartedCommand.class);

    @Override
    public void put(Object key, Object value) {
        if (anotherCommandFollows()) {
            super.put(key, value);
        } else {
            remove(key);
        }
    }

    private static boolean anotherCommandFollows() {
        return CurrentUnitOfWork.isStarted()
                && ANOTHER_FOLLOWS.contains(CurrentUnitOfWork.get().getMessage().getPayloadType());
    }
}
