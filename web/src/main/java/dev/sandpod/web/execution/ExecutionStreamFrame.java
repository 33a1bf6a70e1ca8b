package dev.sandpod.web.execution;

import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.web.apidocs.Addition;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.time.Instant;

/**
 * The API document's description of one frame of the execution stream ({@link ExecutionStreamController}
 * writes the same fields from a map; this record is never built). Each frame is an SSE {@code data:} line
 * holding this JSON; lifecycle frames also carry the event's id as the SSE {@code id:} (resume with
 * {@code Last-Event-ID}); {@code :heartbeat} comments keep the connection open while the run goes on.
 */
@Schema(
        name = "SSEExecutionEventSchema",
        description = "One frame of the execution stream. The first frame is `status` (the execution's status "
                + "when the stream opened), then one frame per lifecycle event as it is stored, `output` frames while "
                + "the run prints, and `result_stored` last, carrying the result; the stream ends after it. A "
                + "finished execution's stream is `status` then `result_stored`.")
record ExecutionStreamFrame(
        @Schema(
                requiredMode = RequiredMode.REQUIRED,
                allowableValues = {
                    "status",
                    "execution_requested",
                    "execution_queued",
                    "execution_scheduled",
                    "execution_started",
                    "execution_running",
                    "output",
                    "execution_completed",
                    "execution_failed",
                    "execution_timeout",
                    "execution_cancelled",
                    "execution_error",
                    "result_stored"
                })
        @Addition(values = {"execution_scheduled", "output", "execution_error"})
        String eventType,

        @Schema(requiredMode = RequiredMode.REQUIRED) String executionId,
        @Schema(requiredMode = RequiredMode.REQUIRED) Instant timestamp,

        @Schema(
                requiredMode = RequiredMode.REQUIRED,
                description = "The lifecycle event's id (also the SSE id); null on `status` and `output` frames")
        String eventId,

        @Schema(
                requiredMode = RequiredMode.REQUIRED,
                implementation = ExecutionStatus.class,
                description = "The execution's status")
        String status,

        @Schema(requiredMode = RequiredMode.REQUIRED, description = "On `result_stored` only: the result")
        ExecutionResultResponse result,

        @Addition
        @Schema(
                allowableValues = {"stdout", "stderr"},
                description = "On `output` frames only: which stream the text was printed on")
        String stream,

        @Addition @Schema(description = "On `output` frames only: the text, as printed")
        String data) {}
