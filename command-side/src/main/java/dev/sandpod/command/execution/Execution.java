package dev.sandpod.command.execution;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.ChangeExecutionPriorityCommand;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionPriorityChangedEvent;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStartedEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.execution.ExpireExecutionCommand;
import dev.sandpod.api.execution.MarkExecutionStartedCommand;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.RecordExecutionOutcomeCommand;
import dev.sandpod.api.execution.RequestExecutionCommand;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One run of one script. Only this aggregate decides the status: runners report facts, and reports that
 * arrive late or twice are ignored once the execution is terminal (a terminal execution stays terminal).
 */
@Aggregate
class Execution {

    @AggregateIdentifier
    private String executionId;

    private String userId;
    private String script;
    private String lang;
    private String langVersion;
    private ExecutionStatus status;
    private Priority priority;
    private boolean deleted;
    /** What the run produced, once it ended: kept so that the state rebuilt for an audit shows the result. */
    private ExecutionOutcome outcome;

    Execution() {
        // for Axon
    }

    @CommandHandler
    Execution(RequestExecutionCommand command) {
        apply(new ExecutionRequestedEvent(
                command.executionId(),
                command.userId(),
                command.script(),
                command.lang(),
                command.langVersion(),
                command.priority()));
        apply(new ExecutionQueuedEvent(command.executionId(), command.userId(), command.priority()));
    }

    @CommandHandler
    void handle(ScheduleExecutionCommand command) {
        if (status != ExecutionStatus.QUEUED) {
            return;
        }
        apply(new ExecutionScheduledEvent(executionId, script, lang, langVersion, command.limits()));
    }

    @CommandHandler
    void handle(MarkExecutionStartedCommand command) {
        if (status != ExecutionStatus.SCHEDULED) {
            return;
        }
        apply(new ExecutionStartedEvent(executionId, command.runner()));
        apply(new ExecutionRunningEvent(executionId));
    }

    @CommandHandler
    void handle(RecordExecutionOutcomeCommand command) {
        if (status.isTerminal()) {
            return;
        }
        ExecutionOutcome outcome = command.outcome();
        switch (command.status()) {
            case COMPLETED -> apply(new ExecutionCompletedEvent(executionId, outcome));
            case TIMEOUT -> apply(new ExecutionTimedOutEvent(executionId, outcome));
            case FAILED -> apply(new ExecutionFailedEvent(executionId, outcome));
            case CANCELLED -> apply(new ExecutionCancelledEvent(executionId, null, "stopped by the runner", outcome));
            default ->
                throw new SandpodException(
                        ErrorCode.BAD_REQUEST,
                        "Not a terminal status: " + command.status().wireName());
        }
        apply(new ResultStoredEvent(executionId, command.status()));
    }

    @CommandHandler
    ExecutionStatus handle(CancelExecutionCommand command) {
        requireNotDeleted();
        if (status == ExecutionStatus.CANCELLED) {
            return status;
        }
        if (status.isTerminal()) {
            throw new SandpodException(
                    ErrorCode.INVALID_STATE, "Cannot cancel execution in " + status.wireName() + " state");
        }
        String reason = command.reason() == null || command.reason().isBlank() ? "cancelled by user" : command.reason();
        apply(new ExecutionCancelledEvent(
                executionId, command.requestedBy(), reason, ExecutionOutcome.notRun(null, reason)));
        apply(new ResultStoredEvent(executionId, ExecutionStatus.CANCELLED));
        return ExecutionStatus.CANCELLED;
    }

    /** A running execution is cancelled first, so that deleting it also stops it and frees its slot. */
    @CommandHandler
    void handle(DeleteExecutionCommand command) {
        requireNotDeleted();
        if (!status.isTerminal()) {
            apply(new ExecutionCancelledEvent(
                    executionId,
                    command.deletedBy(),
                    "deleted by an admin",
                    ExecutionOutcome.notRun(null, "deleted by an admin")));
            apply(new ResultStoredEvent(executionId, ExecutionStatus.CANCELLED));
        }
        apply(new ExecutionDeletedEvent(executionId, command.deletedBy()));
    }

    @CommandHandler
    void handle(ChangeExecutionPriorityCommand command) {
        requireNotDeleted();
        if (status != ExecutionStatus.QUEUED) {
            throw new SandpodException(
                    ErrorCode.INVALID_STATE,
                    "Cannot change the priority of an execution in " + status.wireName() + " state");
        }
        if (command.priority() == priority) {
            return;
        }
        apply(new ExecutionPriorityChangedEvent(executionId, priority, command.priority(), command.changedBy()));
    }

    private void requireNotDeleted() {
        if (deleted) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "Execution not found");
        }
    }

    @CommandHandler
    void handle(ExpireExecutionCommand command) {
        if (status.isTerminal()) {
            return;
        }
        if (status == ExecutionStatus.RUNNING) {
            apply(new ExecutionFailedEvent(
                    executionId, ExecutionOutcome.notRun(ErrorType.SYSTEM_ERROR, command.reason())));
            apply(new ResultStoredEvent(executionId, ExecutionStatus.FAILED));
        } else {
            apply(new ExecutionErroredEvent(executionId, command.reason()));
            apply(new ResultStoredEvent(executionId, ExecutionStatus.ERROR));
        }
    }

    @EventSourcingHandler
    void on(ExecutionRequestedEvent event) {
        executionId = event.executionId();
        userId = event.userId();
        script = event.script();
        lang = event.lang();
        langVersion = event.langVersion();
        priority = event.priority();
    }

    @EventSourcingHandler
    void on(ExecutionPriorityChangedEvent event) {
        priority = event.priority();
    }

    @EventSourcingHandler
    void on(ExecutionDeletedEvent event) {
        deleted = true;
    }

    @EventSourcingHandler
    void on(ExecutionQueuedEvent event) {
        status = ExecutionStatus.QUEUED;
    }

    @EventSourcingHandler
    void on(ExecutionScheduledEvent event) {
        status = ExecutionStatus.SCHEDULED;
    }

    @EventSourcingHandler
    void on(ExecutionRunningEvent event) {
        status = ExecutionStatus.RUNNING;
    }

    @EventSourcingHandler
    void on(ExecutionCompletedEvent event) {
        status = ExecutionStatus.COMPLETED;
        outcome = event.outcome();
    }

    @EventSourcingHandler
    void on(ExecutionTimedOutEvent event) {
        status = ExecutionStatus.TIMEOUT;
        outcome = event.outcome();
    }

    @EventSourcingHandler
    void on(ExecutionFailedEvent event) {
        status = ExecutionStatus.FAILED;
        outcome = event.outcome();
    }

    @EventSourcingHandler
    void on(ExecutionCancelledEvent event) {
        status = ExecutionStatus.CANCELLED;
        outcome = event.outcome();
    }

    @EventSourcingHandler
    void on(ExecutionErroredEvent event) {
        status = ExecutionStatus.ERROR;
    }
}
