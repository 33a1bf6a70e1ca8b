package dev.sandpod.command.execution;

import dev.sandpod.api.avro.RunFinished;
import dev.sandpod.api.avro.RunReport;
import dev.sandpod.api.avro.RunStarted;
import dev.sandpod.api.error.StoreFailures;
import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.MarkExecutionStartedCommand;
import dev.sandpod.api.execution.RecordExecutionOutcomeCommand;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.kafka.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Turns runner reports from Kafka into commands on the Execution aggregate. Delivery is at least once; the
 * aggregate ignores what it has already seen, so duplicates are harmless. Live output frames are not
 * facts of the execution and are left to the query side's live relay.
 */
@Component
class RunReportListener {

    private static final Logger log = LoggerFactory.getLogger(RunReportListener.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final long FIRST_BACKOFF_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final CommandGateway commands;

    RunReportListener(CommandGateway commands) {
        this.commands = commands;
    }

    @KafkaListener(
            topics = Topics.RUN_REPORTS,
            groupId = "sandpod-report-handler",
            autoStartup = "${sandpod.roles.processors:true}")
    void on(ConsumerRecord<String, byte[]> record) {
        RunReport report;
        try {
            report = RunReport.fromByteBuffer(ByteBuffer.wrap(record.value()));
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Discarding an unreadable run report at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e);
            return;
        }
        Object command = toCommand(report);
        if (command == null) {
            return;
        }
        long backoffMillis = FIRST_BACKOFF_MILLIS;
        while (true) {
            try {
                commands.sendAndWait(command, COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (AggregateNotFoundException e) {
                log.warn("Run report for unknown execution {} ignored", report.getExecutionId());
                return;
            } catch (RuntimeException e) {
                if (!StoreFailures.isTransient(e)) {
                    throw e;
                }
                // The store is unreachable or full: hold the report (and the partition) until it is back.
                // Kafka's error handler would try a few times and then skip it, losing the run's outcome.
                log.warn(
                        "Run report for execution {} waits for the data store ({}); trying again in {} ms",
                        report.getExecutionId(),
                        StoreFailures.classify(e),
                        backoffMillis);
                if (!pause(backoffMillis)) {
                    throw e;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** False when interrupted (the container is stopping): the record is then delivered again later. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Object toCommand(RunReport report) {
        String executionId = report.getExecutionId();
        Object payload = report.getPayload();
        if (payload instanceof RunStarted) {
            return new MarkExecutionStartedCommand(executionId, report.getRunner());
        }
        if (payload instanceof RunFinished finished) {
            return new RecordExecutionOutcomeCommand(executionId, statusOf(finished), outcomeOf(finished));
        }
        return null;
    }

    private static ExecutionStatus statusOf(RunFinished finished) {
        return switch (finished.getOutcome()) {
            case COMPLETED -> ExecutionStatus.COMPLETED;
            case TIMEOUT -> ExecutionStatus.TIMEOUT;
            case FAILED -> ExecutionStatus.FAILED;
            case CANCELLED -> ExecutionStatus.CANCELLED;
        };
    }

    private static ExecutionOutcome outcomeOf(RunFinished f) {
        ErrorType errorType = f.getErrorType() == null ? null : ErrorType.fromWire(f.getErrorType());
        if (errorType == null && f.getOutcome() == dev.sandpod.api.avro.RunOutcome.TIMEOUT) {
            errorType = ErrorType.TIMEOUT;
        }
        return new ExecutionOutcome(
                f.getStdout(),
                f.getStderr(),
                f.getStdoutTruncated(),
                f.getStderrTruncated(),
                f.getExitCode(),
                errorType,
                f.getErrorMessage(),
                new ResourceUsage(f.getWallSeconds(), f.getCpuTimeJiffies(), f.getClkTckHertz(), f.getPeakMemoryKb()));
    }
}
