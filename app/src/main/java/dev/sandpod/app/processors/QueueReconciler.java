package dev.sandpod.app.processors;

import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import dev.sandpod.api.queue.EnqueueExecutionCommand;
import dev.sandpod.api.queue.QueueIds;
import dev.sandpod.api.queue.ReleaseExecutionSlotCommand;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.projections.execution.ExecutionProjection;
import dev.sandpod.projections.queue.QueueProjection;
import dev.sandpod.query.operations.ProcessorOperations;
import dev.sandpod.sagas.execution.ExecutionSettings;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Puts the dispatch queue and the executions back in step after a crash or a restore. The execution saga sends
 * its queue commands (enqueue, schedule, release) from its unit of work, whose token, saga state and emitted
 * events are separate writes without a transaction: a kill -9 between them, or an online backup taken between
 * them, can keep the saga's progress and lose the command. Then a run waits in {@code queued} for ever (its
 * enqueue was lost, or its slot was granted and its schedule lost), or a slot stays held by a run that has ended
 * (its release was lost) and, once every slot is so held, nothing runs again. {@link LostRunSweeper} covers runs
 * that were scheduled or running.
 *
 * <p>Every {@code sandpod.execution.queue-reconcile-period} (15 s) this compares the executions read model with
 * the queue's ({@link QueueProjection}) and, for what has been out of step longer than
 * {@code sandpod.execution.queue-reconcile-margin} (30 s, far beyond the time the two read models take to follow
 * the same events), sends the lost command again: a release for a slot held by an ended run, an
 * enqueue for a queued run the queue does not know, a schedule for a queued run that holds a slot. Each is
 * idempotent on its aggregate (the queue ignores a known run and a release of an unknown one; an execution no
 * longer queued ignores a schedule), so a command sent for a run that merely lagged changes nothing. Runs on
 * instances with the processors role only.
 *
 * <p>While either read model is being rebuilt (on any instance, {@link ProcessorOperations#replaying()}) it sends
 * nothing: a rebuilt model shows old runs in the state of the events replayed so far, so a run that ended long
 * ago is briefly "queued since before the margin", and enqueueing it would be a side effect of the rebuild (an
 * event in the queue's history, a slot granted to an ended run).
 */
@Component
@ConditionalOnProperty(name = "sandpod.roles.processors", havingValue = "true", matchIfMissing = true)
class QueueReconciler {

    private static final Logger log = LoggerFactory.getLogger(QueueReconciler.class);
    private static final int BATCH = 200;
    /** The processing group of {@link QueueProjection}. */
    private static final String QUEUE_PROCESSOR = "dispatch-queue";

    private final MongoTemplate mongo;
    private final QueueProjection queue;
    private final ProcessorOperations operations;
    private final CommandGateway commands;
    private final ExecutionSettings settings;
    private final Duration period;
    private final Duration margin;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "queue-reconciler");
        thread.setDaemon(true);
        return thread;
    });

    QueueReconciler(
            MongoTemplate mongo,
            QueueProjection queue,
            ProcessorOperations operations,
            CommandGateway commands,
            ExecutionSettings settings,
            @Value("${sandpod.execution.queue-reconcile-period:15s}") Duration period,
            @Value("${sandpod.execution.queue-reconcile-margin:30s}") Duration margin) {
        this.mongo = mongo;
        this.queue = queue;
        this.operations = operations;
        this.commands = commands;
        this.settings = settings;
        this.period = period;
        this.margin = margin;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(this::reconcile, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void reconcile() {
        try {
            List<String> rebuilding = operations.replaying();
            if (rebuilding.contains(ExecutionProjection.PROCESSING_GROUP) || rebuilding.contains(QUEUE_PROCESSOR)) {
                log.debug("not reconciling the dispatch queue while {} is rebuilt", rebuilding);
                return;
            }
            Instant before = clock.instant().minus(margin);
            releaseSlotsOfEndedRuns(before);
            requeueForgottenRuns(before);
        } catch (RuntimeException e) {
            log.warn("reconciling the dispatch queue failed: {}", e.toString());
        }
    }

    /**
     * Slots held since before {@code before} by runs that have ended since before then. A run without a document
     * is left alone: while the executions read model is rebuilt its documents are missing, and a deleted run's
     * tombstone ends it through the saga, which releases its slot.
     */
    private void releaseSlotsOfEndedRuns(Instant before) {
        List<QueueProjection.Entry> held = queue.activeSince(before);
        if (held.isEmpty()) {
            return;
        }
        Map<String, ExecutionDocument> runs =
                executions(held.stream().map(QueueProjection.Entry::executionId).toList());
        for (QueueProjection.Entry entry : held) {
            ExecutionDocument run = runs.get(entry.executionId());
            boolean ended =
                    run != null && run.status.isTerminal() && run.updatedAt != null && run.updatedAt.isBefore(before);
            if (ended) {
                log.warn(
                        "execution {} ended ({}) but still holds a queue slot: releasing it",
                        entry.executionId(),
                        run.status);
                commands.send(new ReleaseExecutionSlotCommand(
                        QueueIds.DEFAULT, entry.executionId(), settings.maxConcurrentExecutions()));
            }
        }
    }

    /** Runs queued since before {@code before} that the queue does not know, or that hold a slot unscheduled. */
    private void requeueForgottenRuns(Instant before) {
        List<ExecutionDocument> waiting = mongo.find(
                Query.query(Criteria.where("status")
                                .is(ExecutionStatus.QUEUED.name())
                                .and("updatedAt")
                                .lt(before))
                        .limit(BATCH),
                ExecutionDocument.class);
        if (waiting.isEmpty()) {
            return;
        }
        Map<String, QueueProjection.Entry> entries =
                queue.entries(waiting.stream().map(run -> run.executionId).toList());
        for (ExecutionDocument run : waiting) {
            QueueProjection.Entry entry = entries.get(run.executionId);
            if (entry == null) {
                log.warn(
                        "execution {} is queued but the dispatch queue does not know it: enqueuing it",
                        run.executionId);
                commands.send(new EnqueueExecutionCommand(
                        QueueIds.DEFAULT,
                        run.executionId,
                        run.priority,
                        run.createdAt,
                        settings.maxConcurrentExecutions()));
            } else if (entry.active() && (entry.since() == null || entry.since().isBefore(before))) {
                log.warn("execution {} holds a queue slot but was never scheduled: scheduling it", run.executionId);
                commands.send(new ScheduleExecutionCommand(run.executionId, settings.limits()));
            }
        }
    }

    private Map<String, ExecutionDocument> executions(List<String> ids) {
        return mongo.find(Query.query(Criteria.where("_id").in(ids)), ExecutionDocument.class).stream()
                .collect(java.util.stream.Collectors.toMap(run -> run.executionId, run -> run));
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
