package dev.sandpod.sagas.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.test.saga.FixtureConfiguration;
import org.axonframework.test.saga.SagaTestFixture;
import org.axonframework.test.utils.RecordingCommandBus;
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

    /** A slot the queue grants at once schedules the run in the same handling, not after reading the grant back. */
    @Test
    void aSlotGrantedAtOnceSchedulesTheRunWithoutWaitingForTheGrantEvent() {
        fixture.setCallbackBehavior((payload, metaData) -> payload instanceof EnqueueExecutionCommand ? true : null);

        fixture.givenNoPriorActivity()
                .whenAggregate(ID)
                .publishes(queued())
                .expectDispatchedCommands(
                        new EnqueueExecutionCommand(
                                QueueIds.DEFAULT, ID, Priority.NORMAL, fixture.currentTime(), MAX_CONCURRENT),
                        new ScheduleExecutionCommand(ID, LIMITS));
    }

    /**
     * The grant of a slot taken at once finds the run scheduled already and sends nothing: a second schedule was
     * ignored by the execution but cost a load of it from the store on every run (issue 21).
     */
    @Test
    void theGrantOfASlotTakenAtOnceDoesNotScheduleTheRunAgain() {
        fixture.setCallbackBehavior((payload, metaData) -> payload instanceof EnqueueExecutionCommand ? true : null);

        fixture.givenAggregate(ID)
                .published(queued())
                .whenAggregate(QueueIds.DEFAULT)
                .publishes(new ExecutionSlotGrantedEvent(QueueIds.DEFAULT, ID))
                .expectNoDispatchedCommands();
    }

    /** When the schedule sent at once failed, the grant event is the second chance: the run is not left queued. */
    @Test
    void theGrantSchedulesTheRunWhenTheScheduleSentAtOnceFailed() {
        fixture.setCallbackBehavior((payload, metaData) -> {
            if (payload instanceof EnqueueExecutionCommand) {
                return true;
            }
            if (payload instanceof ScheduleExecutionCommand) {
                throw new IllegalStateException("the store is away");
            }
            return null;
        });

        fixture.givenAggregate(ID)
                .published(queued())
                .whenAggregate(QueueIds.DEFAULT)
                .publishes(new ExecutionSlotGrantedEvent(QueueIds.DEFAULT, ID))
                .expectDispatchedCommands(new ScheduleExecutionCommand(ID, LIMITS));
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

    /**
     * Two instances may append to the one queue at once (the saga's segment handed over, a stale cached queue):
     * the command that lost the race is sent again, on the queue as it now is, instead of leaving the run queued.
     */
    @Test
    void anEnqueueThatLostARaceForTheQueueIsSentAgainUntilItGoesThrough() {
        AtomicInteger conflicts = new AtomicInteger();
        fixture.setCallbackBehavior((payload, metaData) -> {
            if (payload instanceof EnqueueExecutionCommand && conflicts.incrementAndGet() <= 2) {
                throw new ConcurrencyException("the queue moved on");
            }
            return null;
        });

        fixture.givenNoPriorActivity().whenAggregate(ID).publishes(queued()).expectActiveSagas(1);

        RecordingCommandBus bus = (RecordingCommandBus) fixture.getCommandBus();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(bus.getDispatchedCommands())
                        .filteredOn(c -> c.getPayload() instanceof EnqueueExecutionCommand)
                        .hasSize(3));
        assertThat(conflicts.get()).isEqualTo(3);
    }

    @Test
    void onlyARaceLostForTheAggregateCountsAsOneToRetry() {
        assertThat(ExecutionSaga.lostARace(new RuntimeException(new ConcurrencyException("conflict"))))
                .isTrue();
        assertThat(ExecutionSaga.lostARace(new IllegalStateException("no handler")))
                .isFalse();
    }
}
