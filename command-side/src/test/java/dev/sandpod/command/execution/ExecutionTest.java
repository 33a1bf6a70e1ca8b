package dev.sandpod.command.execution;

import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.DeleteExecutionCommand;
import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.execution.ExecutionOutcome;
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
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutionTest {

    private static final String ID = "exec-1";
    private static final String USER = "user-1";
    private static final String SCRIPT = "print('hi')";
    private static final ExecutionLimits LIMITS = new ExecutionLimits(10, 128L << 20, 1000, 64, 1 << 20, 10L << 20);
    private static final ExecutionOutcome HI =
            new ExecutionOutcome("hi\n", "", false, false, 0, null, null, new ResourceUsage(0.02, 2, 100, 9000));
    private static final ExecutionOutcome TIMED_OUT = new ExecutionOutcome(
            "", "", false, false, -1, ErrorType.TIMEOUT, "wall limit", new ResourceUsage(10.0, 1000, 100, 9000));

    private static final ExecutionOutcome PRINTED_UNTIL_CANCEL = new ExecutionOutcome(
            "0\n1\n", "", false, false, -1, null, "Execution cancelled", new ResourceUsage(1.2, 3, 100, 8000));

    private FixtureConfiguration<Execution> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Execution.class);
    }

    private static ExecutionRequestedEvent requested() {
        return new ExecutionRequestedEvent(ID, USER, SCRIPT, "python", "3.11", Priority.NORMAL);
    }

    private static ExecutionQueuedEvent queued() {
        return new ExecutionQueuedEvent(ID, USER, Priority.NORMAL);
    }

    private static ExecutionCancelledEvent cancelled(String reason) {
        return new ExecutionCancelledEvent(ID, USER, reason, ExecutionOutcome.notRun(null, reason));
    }

    private static ExecutionScheduledEvent scheduled() {
        return new ExecutionScheduledEvent(ID, SCRIPT, "python", "3.11", LIMITS);
    }

    @Test
    void aRequestIsRecordedAndQueued() {
        fixture.givenNoPriorActivity()
                .when(new RequestExecutionCommand(ID, USER, SCRIPT, "python", "3.11", Priority.NORMAL))
                .expectSuccessfulHandlerExecution()
                .expectEvents(requested(), queued());
    }

    @Test
    void aQueuedExecutionIsScheduledWithTheScriptAndLimits() {
        fixture.given(requested(), queued())
                .when(new ScheduleExecutionCommand(ID, LIMITS))
                .expectEvents(scheduled());
    }

    @Test
    void schedulingTwiceIsIgnored() {
        fixture.given(requested(), queued(), scheduled())
                .when(new ScheduleExecutionCommand(ID, LIMITS))
                .expectNoEvents();
    }

    @Test
    void aRunnerStartMakesTheExecutionStartedAndRunning() {
        fixture.given(requested(), queued(), scheduled())
                .when(new MarkExecutionStartedCommand(ID, "local@test"))
                .expectEvents(new ExecutionStartedEvent(ID, "local@test"), new ExecutionRunningEvent(ID));
    }

    @Test
    void aDuplicateStartReportIsIgnored() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionStartedEvent(ID, "r"),
                        new ExecutionRunningEvent(ID))
                .when(new MarkExecutionStartedCommand(ID, "r"))
                .expectNoEvents();
    }

    @Test
    void aCompletedReportStoresTheResult() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionStartedEvent(ID, "r"),
                        new ExecutionRunningEvent(ID))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.COMPLETED, HI))
                .expectEvents(
                        new ExecutionCompletedEvent(ID, HI), new ResultStoredEvent(ID, ExecutionStatus.COMPLETED));
    }

    @Test
    void aTimeoutReportEndsTheExecutionAsTimeout() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.TIMEOUT, TIMED_OUT))
                .expectEvents(
                        new ExecutionTimedOutEvent(ID, TIMED_OUT), new ResultStoredEvent(ID, ExecutionStatus.TIMEOUT));
    }

    @Test
    void aLateReportForATerminalExecutionIsIgnored() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionCompletedEvent(ID, HI),
                        new ResultStoredEvent(ID, ExecutionStatus.COMPLETED))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.TIMEOUT, TIMED_OUT))
                .expectNoEvents();
    }

    /**
     * Cancelled at once, but the result waits for the runner: its report of the stopped run carries what the
     * program printed until the cancel.
     */
    @Test
    void cancellingARunningExecutionEndsItCancelledAndWaitsForTheRunnersReport() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID))
                .when(new CancelExecutionCommand(ID, USER, "changed my mind"))
                .expectEvents(cancelled("changed my mind"))
                .expectResultMessagePayload(ExecutionStatus.CANCELLED);
    }

    @Test
    void cancellingAScheduledExecutionAlsoWaitsForTheRunnersReport() {
        fixture.given(requested(), queued(), scheduled())
                .when(new CancelExecutionCommand(ID, USER, "changed my mind"))
                .expectEvents(cancelled("changed my mind"));
    }

    @Test
    void cancellingAQueuedExecutionStoresItsResultAtOnceForNoRunnerHasIt() {
        fixture.given(requested(), queued())
                .when(new CancelExecutionCommand(ID, USER, null))
                .expectEvents(cancelled("cancelled by user"), new ResultStoredEvent(ID, ExecutionStatus.CANCELLED))
                .expectResultMessagePayload(ExecutionStatus.CANCELLED);
    }

    @Test
    void whatACancelledRunPrintedBeforeItStoppedIsStoredWithItsResult() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID), cancelled("enough"))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.CANCELLED, PRINTED_UNTIL_CANCEL))
                .expectEvents(
                        new ExecutionStoppedEvent(ID, PRINTED_UNTIL_CANCEL),
                        new ResultStoredEvent(ID, ExecutionStatus.CANCELLED));
    }

    /** The program ended by itself just as the cancel came: still cancelled (terminal stays terminal), output kept. */
    @Test
    void aRunThatCompletedAsTheCancelCameStaysCancelledWithItsOutput() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID), cancelled("enough"))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.COMPLETED, HI))
                .expectEvents(new ExecutionStoppedEvent(ID, HI), new ResultStoredEvent(ID, ExecutionStatus.CANCELLED));
    }

    @Test
    void aSecondReportOfAStoppedRunIsIgnored() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionRunningEvent(ID),
                        cancelled("enough"),
                        new ExecutionStoppedEvent(ID, PRINTED_UNTIL_CANCEL),
                        new ResultStoredEvent(ID, ExecutionStatus.CANCELLED))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.CANCELLED, PRINTED_UNTIL_CANCEL))
                .expectNoEvents();
    }

    /** Executions cancelled before the runner's report was awaited have their result already. */
    @Test
    void aLateReportForAnExecutionCancelledWithItsResultStoredIsIgnored() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionRunningEvent(ID),
                        cancelled("enough"),
                        new ResultStoredEvent(ID, ExecutionStatus.CANCELLED))
                .when(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.CANCELLED, PRINTED_UNTIL_CANCEL))
                .expectNoEvents();
    }

    @Test
    void cancellingTwiceAnswersCancelledWithoutASecondEvent() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID), cancelled("enough"))
                .when(new CancelExecutionCommand(ID, USER, "again"))
                .expectNoEvents()
                .expectResultMessagePayload(ExecutionStatus.CANCELLED);
    }

    @Test
    void theBackstopStoresTheResultOfACancelledRunWhoseRunnerNeverReported() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID), cancelled("enough"))
                .when(new ExpireExecutionCommand(ID, "lost"))
                .expectEvents(new ResultStoredEvent(ID, ExecutionStatus.CANCELLED));
    }

    /** Deleting ends the wait: the result is stored first, so the slot is freed and a late report finds it done. */
    @Test
    void deletingACancelledRunThatTheRunnerHasNotReportedStoresItsResultFirst() {
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID), cancelled("enough"))
                .when(new DeleteExecutionCommand(ID, "admin-1"))
                .expectEvents(
                        new ResultStoredEvent(ID, ExecutionStatus.CANCELLED), new ExecutionDeletedEvent(ID, "admin-1"));
    }

    @Test
    void cancellingAFinishedExecutionIsRejected() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionCompletedEvent(ID, HI),
                        new ResultStoredEvent(ID, ExecutionStatus.COMPLETED))
                .when(new CancelExecutionCommand(ID, USER, null))
                .expectException(SandpodException.class)
                .expectExceptionMessage("Cannot cancel execution in completed state");
    }

    @Test
    void theBackstopFailsARunningExecutionWhoseRunnerWasLost() {
        ExecutionOutcome lost = ExecutionOutcome.notRun(ErrorType.SYSTEM_ERROR, "lost");
        fixture.given(requested(), queued(), scheduled(), new ExecutionRunningEvent(ID))
                .when(new ExpireExecutionCommand(ID, "lost"))
                .expectEvents(new ExecutionFailedEvent(ID, lost), new ResultStoredEvent(ID, ExecutionStatus.FAILED));
    }

    @Test
    void theBackstopErrorsAnExecutionThatNeverStarted() {
        fixture.given(requested(), queued(), scheduled())
                .when(new ExpireExecutionCommand(ID, "lost"))
                .expectEvents(new ExecutionErroredEvent(ID, "lost"), new ResultStoredEvent(ID, ExecutionStatus.ERROR));
    }

    @Test
    void theBackstopLeavesAFinishedExecutionAlone() {
        fixture.given(
                        requested(),
                        queued(),
                        scheduled(),
                        new ExecutionCompletedEvent(ID, HI),
                        new ResultStoredEvent(ID, ExecutionStatus.COMPLETED))
                .when(new ExpireExecutionCommand(ID, "lost"))
                .expectNoEvents();
    }
}
