package dev.sandpod.sagas.execution;

import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExpireExecutionCommand;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.ExecutionSlotGrantedEvent;
import dev.sandpod.api.queue.QueueIds;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import java.time.Duration;
import org.axonframework.test.saga.FixtureConfiguration;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExecutionSagaTest {

    private static final String ID = "exec-1";
    private static final int MAX_CONCURRENT = 3;
    private static final int GRACE = 30;
    private static final ExecutionLimits LIMITS = new ExecutionLimits(10, 128L << 20, 1000, 64, 1L << 20, 10L << 20);
    /** The settings in force, fixed for the test: what the saga reads is the point, not where it comes from. */
    private static final ExecutionSettings SETTINGS = new ExecutionSettings() {
        @Override
        public ExecutionLimits limits() {
            return LIMITS;
        }

        @Override
        public int maxConcurrentExecutions() {
            return MAX_CONCURRENT;
        }

        @Override
        public int backstopGraceSeconds() {
            return GRACE;
        }
    };

    private FixtureConfiguration fixture;

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(ExecutionSaga.class);
        fixture.registerResource(SETTINGS);
    }

    private static ExecutionQueuedEvent queued() {
        return new ExecutionQueuedEvent(ID, "user-1", Priority.NORMAL);
    }

    private static ExecutionScheduledEvent scheduled() {
        return new ExecutionScheduledEvent(ID, "print(1)", "python", "3.11", LIMITS);
    }

    /** The queue is told when the execution was queued: its place within its priority depends on it. */
    @Test
    void aQueuedExecutionStartsTheSagaAndAsksTheQueueForASlot() {
        fixture.givenNoPriorActivity()
                .whenAggregate(ID)
                .publishes(queued())
                .expectActiveSagas(1)
                .expectDispatchedCommands(new EnqueueExecutionCommand(
                        QueueIds.DEFAULT, ID, Priority.NORMAL, fixture.currentTime(), MAX_CONCURRENT));
    }

    @Test
    void aGrantedSlotSchedulesTheRunWithTheConfiguredLimits() {
        fixture.givenAggregate(ID)
                .published(queued())
                .whenAggregate(QueueIds.DEFAULT)
                .publishes(new ExecutionSlotGrantedEvent(QueueIds.DEFAULT, ID))
                .expectDispatchedCommands(new ScheduleExecutionCommand(ID, LIMITS));
    }

    @Test
    void aScheduledRunArmsTheBackstopDeadlinePastItsTimeout() {
        fixture.givenAggregate(ID)
                .published(queued())
                .whenAggregate(ID)
                .publishes(scheduled())
                .expectScheduledDeadlineWithName(
                        Duration.ofSeconds(LIMITS.timeoutSeconds() + GRACE), ExecutionSaga.BACKSTOP_DEADLINE);
    }

    @Test
    void theBackstopExpiresAnExecutionWhoseRunnerNeverReported() {
        fixture.givenAggregate(ID)
                .published(queued(), scheduled())
                .whenTimeElapses(Duration.ofSeconds(LIMITS.timeoutSeconds() + GRACE + 1))
                .expectTriggeredDeadlinesWithName(ExecutionSaga.BACKSTOP_DEADLINE)
                .expectDispatchedCommands(
                        new ExpireExecutionCommand(ID, "No report from the runner in time; the run was lost"));
    }

    @Test
    void aStoredResultReleasesTheSlotCancelsTheBackstopAndEndsTheSaga() {
        fixture.givenAggregate(ID)
                .published(queued(), scheduled())
                .whenAggregate(ID)
                .publishes(new ResultStoredEvent(ID, ExecutionStatus.COMPLETED))
                .expectActiveSagas(0)
                .expectNoScheduledDeadlines()
                .expectDispatchedCommands(new ReleaseExecutionSlotCommand(QueueIds.DEFAULT, ID, MAX_CONCURRENT));
    }

    @Test
    void anExecutionCancelledWhileQueuedStillReleasesItsPlace() {
        fixture.givenAggregate(ID)
                .published(queued())
                .whenAggregate(ID)
                .publishes(new ResultStoredEvent(ID, ExecutionStatus.CANCELLED))
                .expectActiveSagas(0)
                .expectDispatchedCommands(new ReleaseExecutionSlotCommand(QueueIds.DEFAULT, ID, MAX_CONCURRENT));
    }
}
