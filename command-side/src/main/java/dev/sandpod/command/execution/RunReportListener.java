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

    private final CommandGateway commands;

    RunReportListener(CommandGateway commands) {
        this.commands = commands;
    }

    @KafkaListener(
            topics = Topics.RUN_REPORTS,
            groupId = "sandpod-report-handler",
            containerFactory = RunReportConsumerConfiguration.CONTAINER_FACTORY,
            // How long a report may take before the group takes the consumer's partitions away (Kafka's default).
            properties = "max.poll.interval.ms=${sandpod.run-reports.max-poll-interval-ms:300000}",
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
        try {
            commands.sendAndWait(command, COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (AggregateNotFoundException e) {
            log.warn("Run report for unknown execution {} ignored", report.getExecutionId());
        } catch (RuntimeException e) {
            if (StoreFailures.isTransient(e)) {
                // The store is unreachable or full: the report (and its partition) waits until it is back. The
                // container pauses between tries and keeps polling (RunReportConsumerConfiguration).
                log.warn(
                        "Run report for execution {} waits for the data store ({})",
                        report.getExecutionId(),
                        StoreFailures.classify(e));
            }
            throw e;
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
