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
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionPriorityChangedEvent;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStartedEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExecutionStoppedEvent;
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
 *
 * <p>One report is awaited after the end: an execution cancelled while a runner had it is cancelled at
 * once, but its result is stored only when the runner reports the stopped run, so that the result keeps
 * what the program printed until then (or when the backstop gives up on the runner).
 */
@Aggregate(cache = "executionCache")
class Execution {

    @AggregateIdentifier
    private String executionId;

    private String userId;
    private String script;
    private String lang;
    private String langVersion;
    /** Stdin, arguments and files as validated at admission: every dispatch of this run gets exactly these. */
    private ExecutionInputs inputs = ExecutionInputs.NONE;

    private ExecutionStatus status;
    private Priority priority;
    private boolean deleted;
    /** The last lifecycle event happened: nothing a runner reports changes the execution any more. */
    private boolean resultStored;
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
                command.priority(),
                command.inputs()));
        apply(new ExecutionQueuedEvent(command.executionId(), command.userId(), command.priority()));
    }

    @CommandHandler
    void handle(ScheduleExecutionCommand command) {
        if (status != ExecutionStatus.QUEUED) {
            return;
        }
        apply(new ExecutionScheduledEvent(executionId, script, lang, langVersion, command.limits(), inputs));
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
        if (resultStored) {
            return;
        }
        if (status == ExecutionStatus.CANCELLED) {
            // The report of the run the cancel stopped (or that ended by itself just then): it stays
            // cancelled, with what the program printed until it was stopped.
            apply(new ExecutionStoppedEvent(executionId, command.outcome()));
            apply(new ResultStoredEvent(executionId, ExecutionStatus.CANCELLED));
            return;
        }
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
        // Scheduled or running: the run request is out, so a runner will report the stopped run.
        boolean runnerReports = status != ExecutionStatus.QUEUED;
        apply(new ExecutionCancelledEvent(
                executionId, command.requestedBy(), reason, ExecutionOutcome.notRun(null, reason)));
        if (!runnerReports) {
            apply(new ResultStoredEvent(executionId, ExecutionStatus.CANCELLED));
        }
        return ExecutionStatus.CANCELLED;
    }

    /**
     * A running execution is cancelled first, so that deleting it also stops it and frees its slot; one
     * still waiting for its runner's report after a cancel gets its result now (a deleted execution keeps
     * no output).
     */
    @CommandHandler
    void handle(DeleteExecutionCommand command) {
        requireNotDeleted();
        if (!status.isTerminal()) {
            apply(new ExecutionCancelledEvent(
                    executionId,
                    command.deletedBy(),
                    "deleted by an admin",
                    ExecutionOutcome.notRun(null, "deleted by an admin")));
        }
        if (!resultStored) {
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
        if (resultStored) {
            return;
        }
        if (status == ExecutionStatus.CANCELLED) {
            // The runner never reported the run it was told to stop: the result is stored without its output.
            apply(new ResultStoredEvent(executionId, ExecutionStatus.CANCELLED));
            return;
        }
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
        inputs = event.inputs();
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

    /** A cancelled run's output arrives after the cancel: the audit's state shows it from here on. */
    @EventSourcingHandler
    void on(ExecutionStoppedEvent event) {
        outcome = event.outcome();
    }

    @EventSourcingHandler
    void on(ExecutionErroredEvent event) {
        status = ExecutionStatus.ERROR;
    }

    @EventSourcingHandler
    void on(ResultStoredEvent event) {
        resultStored = true;
    }
}
