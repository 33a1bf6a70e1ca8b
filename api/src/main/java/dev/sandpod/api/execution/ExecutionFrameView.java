package dev.sandpod.api.execution;

import java.time.Instant;

/**
 * One frame of the execution stream: a lifecycle event as it was stored ({@code eventId} is the event's
 * identifier, usable as SSE {@code Last-Event-ID}), or live output. {@code result} is set on
 * {@code result_stored} only; {@code stream}/{@code data} on {@code output} only. {@code sequence} is the lifecycle
 * event's place in the execution's event stream (null for output and status frames): a stream that has sent a frame
 * never sends one of an earlier event after it (two paths deliver lifecycle frames, see
 * {@code query.execution.ExecutionStream}). Not sent to clients.
 */
public record ExecutionFrameView(
        String eventType,
        String executionId,
        Instant timestamp,
        String eventId,
        ExecutionStatus status,
        ExecutionResultView result,
        String stream,
        String data,
        Long sequence) {

    /** A frame without a place in the lifecycle (output, status). */
    public ExecutionFrameView(
            String eventType,
            String executionId,
            Instant timestamp,
            String eventId,
            ExecutionStatus status,
            ExecutionResultView result,
            String stream,
            String data) {
        this(eventType, executionId, timestamp, eventId, status, result, stream, data, null);
    }

    public boolean isFinal() {
        return "result_stored".equals(eventType);
    }
}
