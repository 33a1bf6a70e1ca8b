package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionPriorityChangedEvent;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExpireExecutionCommand;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.QueueIds;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import dev.sandpod.api.queue.ReprioritizeExecutionCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one execution: wait for a queue slot, dispatch, and make sure it ends. The slot is released on
 * {@link ResultStoredEvent}, which every end of an execution produces, so no path leaks a slot. A
 * persistent deadline ends an execution whose runner never reports back.
 *
 * <p>State is serialized with Jackson: the fields have accessors for that reason.
 */
@Saga
public class ExecutionSaga {

    private static final Logger log = LoggerFactory.getLogger(ExecutionSaga.class);

    static final String ASSOCIATION = "executionId";
    static final String BACKSTOP_DEADLINE = "execution-backstop";

    /** Tries of a command that keeps losing races for its aggregate; then it is logged as failed. */
    static final int CONFLICT_ATTEMPTS = 8;

    private static final long CONFLICT_BACKOFF_MILLIS = 50;

    private String executionId;
    private String backstopId;
    /** The run's schedule went through from the enqueue's answer: the grant event then has nothing left to do. */
    private boolean scheduled;

    /**
     * The queue is told when the execution was queued: that, not when this reaches it, is its place in line. When
     * the queue grants the slot at once (it answers whether the execution holds one), the run is scheduled right
     * here, in the same unit of work, instead of a processor hop later when the saga reads the grant back from the
     * store (issue 21: that hop was half of requested → scheduled). The grant's own handler schedules only when
     * that did not go through before the saga was stored (the command failed, or finished after this handling): a
     * second schedule is ignored by the execution, but it cost a load of the execution from the store per run.
     */
    @StartSaga
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(
            ExecutionQueuedEvent event,
            @Timestamp Instant queuedAt,
            CommandGateway commands,
            ExecutionSettings settings) {
        executionId = event.executionId();
        send(
                        commands,
                        new EnqueueExecutionCommand(
                                QueueIds.DEFAULT,
                                executionId,
                                event.priority(),
                                queuedAt,
                                settings.maxConcurrentExecutions()))
                .thenAccept(holdsASlot -> {
                    if (Boolean.TRUE.equals(holdsASlot)) {
                        send(commands, new ScheduleExecutionCommand(executionId, settings.limits()))
                                .thenRun(() -> scheduled = true);
                    }
                });
    }

    /** A slot granted later (when another run released one), or the grant of the slot taken at once above. */
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(ExecutionSlotGrantedEvent event, CommandGateway commands, ExecutionSettings settings) {
        if (!scheduled) {
            send(commands, new ScheduleExecutionCommand(executionId, settings.limits()));
        }
    }

    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(ExecutionScheduledEvent event, DeadlineManager deadlines, ExecutionSettings settings) {
        Duration backstop = Duration.ofSeconds(event.limits().timeoutSeconds() + settings.backstopGraceSeconds());
        backstopId = deadlines.schedule(backstop, BACKSTOP_DEADLINE, executionId);
    }

    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(ExecutionPriorityChangedEvent event, CommandGateway commands) {
        send(commands, new ReprioritizeExecutionCommand(QueueIds.DEFAULT, executionId, event.priority()));
    }

    @EndSaga
    @SagaEventHandler(associationProperty = ASSOCIATION)
    void on(ResultStoredEvent event, CommandGateway commands, DeadlineManager deadlines, ExecutionSettings settings) {
        if (backstopId != null) {
            deadlines.cancelSchedule(BACKSTOP_DEADLINE, backstopId);
        }
        send(
                commands,
                new ReleaseExecutionSlotCommand(QueueIds.DEFAULT, executionId, settings.maxConcurrentExecutions()));
    }

    /**
     * Blocks on purpose: a deadline that fires before the command bus is ready after a restart must fail so
     * that the deadline manager retries it, instead of losing the command.
     */
    @DeadlineHandler(deadlineName = BACKSTOP_DEADLINE)
    void onBackstop(String expiredExecutionId, CommandGateway commands) {
        commands.sendAndWait(
                new ExpireExecutionCommand(expiredExecutionId, "No report from the runner in time; the run was lost"));
    }

    /**
     * Fire and forget, but never silently: a lost command would leave the execution waiting for its backstop. A
     * command that lost a race for its aggregate (the one queue, touched by every run, from whichever instances
     * hold the saga's segment during a hand-over) is sent again on the aggregate as it now is: the queue's and the
     * execution's handlers ignore what was already done, so a retry never doubles a run
     * ("Hot aggregates across instances" in docs/architecture.md).
     */
    private CompletableFuture<Object> send(CommandGateway commands, Object command) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        send(commands, command, 1, result);
        return result;
    }

    /** Completes {@code done} with the command's result once it went through; a failure is logged and not passed. */
    private void send(CommandGateway commands, Object command, int attempt, CompletableFuture<Object> done) {
        commands.send(command).whenComplete((result, failure) -> {
            if (failure == null) {
                done.complete(result);
                return;
            }
            if (attempt < CONFLICT_ATTEMPTS && lostARace(failure)) {
                log.debug(
                        "{} for execution {} lost a race (attempt {}); sending it again",
                        command.getClass().getSimpleName(),
                        executionId,
                        attempt);
                CompletableFuture.delayedExecutor(CONFLICT_BACKOFF_MILLIS * attempt, TimeUnit.MILLISECONDS)
                        .execute(() -> send(commands, command, attempt + 1, done));
                return;
            }
            log.warn("{} for execution {} failed", command.getClass().getSimpleName(), executionId, failure);
        });
    }

    /** Another unit of work appended to the aggregate first (optimistic locking on its sequence numbers). */
    static boolean lostARace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    public String getExecutionId() {
        return executionId;
    }

    public void setExecutionId(String executionId) {
        this.executionId = executionId;
    }

    public boolean isScheduled() {
        return scheduled;
    }

    public void setScheduled(boolean scheduled) {
        this.scheduled = scheduled;
    }

    public String getBackstopId() {
        return backstopId;
    }

    public void setBackstopId(String backstopId) {
        this.backstopId = backstopId;
    }
}
