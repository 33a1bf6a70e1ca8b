package dev.sandpod.app.processors;

import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExpireExecutionCommand;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.projections.execution.ExecutionProjection;
import dev.sandpod.query.operations.ProcessorOperations;
import dev.sandpod.sagas.execution.ExecutionSettings;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * The second guarantee that every execution ends. The execution saga's backstop deadline is created in the
 * prepare-commit phase of the saga's unit of work, after the processor stored its token: an app killed between
 * the two (kill -9 during a burst, see {@code KillNineJourneyTest}) leaves the token past the
 * {@code execution_scheduled} event and no deadline, and that run would stay running for ever. Every
 * {@code sandpod.execution.lost-run-sweep-period} (15 s) this looks in the executions read model for runs still scheduled or running well past their
 * backstop (timeout + grace + {@link #MARGIN} since their last lifecycle event) and expires them, exactly as the
 * backstop would have ({@code ExpireExecutionCommand}, which an execution that has ended ignores). Runs on
 * instances with the processors role only.
 *
 * <p>While the executions read model is being rebuilt (on any instance, {@link ProcessorOperations#replaying()}) it
 * does not sweep: the model then shows runs ended long ago in the state of the events replayed so far, "scheduled"
 * an hour ago, and the sweep would send each of them an expiry (ignored, but an aggregate load per run and a warning
 * per run in the log). A run really lost meanwhile is expired by the first sweep after the rebuild.
 */
@Component
@ConditionalOnProperty(name = "sandpod.roles.processors", havingValue = "true", matchIfMissing = true)
class LostRunSweeper {

    private static final Logger log = LoggerFactory.getLogger(LostRunSweeper.class);
    static final Duration MARGIN = Duration.ofSeconds(30);
    private static final int BATCH = 100;
    static final String LOST = "No report from the runner in time, and its backstop was lost: the run was lost";

    private final MongoTemplate mongo;
    private final CommandGateway commands;
    private final ExecutionSettings settings;
    private final ProcessorOperations operations;
    private final Duration period;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "lost-run-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    LostRunSweeper(
            MongoTemplate mongo,
            CommandGateway commands,
            ExecutionSettings settings,
            ProcessorOperations operations,
            @Value("${sandpod.execution.lost-run-sweep-period:15s}") Duration period) {
        this.period = period;
        this.operations = operations;
        this.mongo = mongo;
        this.commands = commands;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        timer.scheduleWithFixedDelay(this::sweep, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sweep() {
        try {
            if (operations.replaying().contains(ExecutionProjection.PROCESSING_GROUP)) {
                log.debug("not looking for lost runs while the executions read model is rebuilt");
                return;
            }
            Duration overdue = Duration.ofSeconds(settings.limits().timeoutSeconds() + settings.backstopGraceSeconds())
                    .plus(MARGIN);
            Instant before = clock.instant().minus(overdue);
            List<ExecutionDocument> lost = mongo.find(
                    Query.query(Criteria.where("status")
                                    .in(ExecutionStatus.SCHEDULED.name(), ExecutionStatus.RUNNING.name())
                                    .and("updatedAt")
                                    .lt(before))
                            .limit(BATCH),
                    ExecutionDocument.class);
            for (ExecutionDocument execution : lost) {
                log.warn(
                        "execution {} is still {} {} after its last change, past its backstop: expiring it",
                        execution.executionId,
                        execution.status,
                        overdue);
                commands.send(new ExpireExecutionCommand(execution.executionId, LOST));
            }
        } catch (RuntimeException e) {
            log.warn("looking for lost runs failed: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
