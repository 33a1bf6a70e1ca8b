package dev.sandpod.api.execution;

import java.time.Instant;

/**
 * One frame of the execution stream: a lifecycle event as it was stored ({@code eventId} is the event's
 * identifier, usable as SSE {@code Last-Event-ID}), or live output. {@code result} is set on
 * {@code result_stored} only; {@code stream}/{@code data} on {@code output} only.
 */
public record ExecutionFrameView(
        String eventType,
        String executionId,
        Instant timestamp,
        String eventId,
        ExecutionStatus status,
        ExecutionResultView result,
        String stream,
        String data) {

    public boolean isFinal() {
        return "result_stored".equals(eventType);
    }
}
