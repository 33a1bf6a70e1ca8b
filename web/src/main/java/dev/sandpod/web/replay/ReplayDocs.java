package dev.sandpod.web.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.query.replay.ReplaySessionDocument;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.audit.EventDocs;
import dev.sandpod.web.audit.EventType;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The wire shapes of replay sessions, as the reference contract names them. */
final class ReplayDocs {

    private ReplayDocs() {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "ReplayFilter", description = "Empty or null fields do not filter; the given ones all apply")
    record ReplayFilter(
            List<String> eventIds,
            String executionId,
            String aggregateId,

            @Schema(description = "Event types (wire names, see EventType)")
            List<String> eventTypes,

            List<String> excludeEventTypes,
            @Schema(format = "date-time") String startTime,
            @Schema(format = "date-time") String endTime,

            @Schema(description = "The events of this user's aggregates")
            String userId,

            @Schema(description = "Accepted; every event's service is sandpod, so it does not narrow the slice")
            String serviceName) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "ReplayRequest")
    record ReplayRequest(
            @Schema(implementation = ReplayType.class, requiredMode = Schema.RequiredMode.REQUIRED)
            String replayType,

            @Schema(
                    implementation = ReplayTarget.class,
                    defaultValue = "kafka",
                    description = "kafka, file or test (counts only, sends nothing); callback is refused")
            String target,

            ReplayFilter filter,

            @Schema(
                    minimum = "0.1",
                    maximum = "100",
                    defaultValue = "1.0",
                    description = "1 = 100 events/s; with preserve_timestamps the original gaps are divided"
                            + " by it (each wait at most 1 s)")
            Double speedMultiplier,

            @Schema(
                    defaultValue = "false",
                    description = "Keep the original gaps and give Kafka copies the original timestamp")
            Boolean preserveTimestamps,

            @Schema(minimum = "1", maximum = "1000", defaultValue = "100")
            Integer batchSize,

            @Schema(minimum = "1") Integer maxEvents,
            @Schema(defaultValue = "true") Boolean skipErrors,

            @Schema(description = "A plain file name, written under the server's replay directory")
            String targetFilePath,

            @Schema(description = "Event type (or * for every other type) to Kafka topic; default sandpod.replay")
            Map<String, String> targetTopics,

            @Schema(defaultValue = "false") Boolean retryFailed,

            @Schema(minimum = "1", maximum = "10", defaultValue = "3")
            Integer retryAttempts,

            @Schema(defaultValue = "true") Boolean enableProgressTracking) {}

    @Schema(name = "ReplayResponse")
    record ReplayResponse(
            String sessionId,
            @Schema(implementation = ReplayStatus.class) String status,
            String message) {}

    @Schema(name = "SessionConfigSummary")
    record SessionConfigSummary(
            @Schema(implementation = ReplayType.class) String replayType,
            @Schema(implementation = ReplayTarget.class) String target) {}

    @Schema(name = "SessionSummary")
    record SessionSummary(
            String sessionId,
            SessionConfigSummary config,
            @Schema(implementation = ReplayStatus.class) String status,
            long totalEvents,
            long replayedEvents,
            long failedEvents,
            long skippedEvents,
            Instant createdAt,
            Instant startedAt,
            Instant completedAt,
            Double durationSeconds,

            @Addition @Schema(description = "Handled events (replayed, failed, skipped) of the total, in %")
            double progressPercentage) {}

    @Schema(name = "ReplayFilterSchema")
    record ReplayFilterSchema(
            List<String> eventIds,
            String executionId,
            String aggregateId,

            @ArraySchema(schema = @Schema(implementation = EventType.class))
            List<String> eventTypes,

            @ArraySchema(schema = @Schema(implementation = EventType.class))
            List<String> excludeEventTypes,

            Instant startTime,
            Instant endTime,
            String userId,
            String serviceName) {}

    @Schema(name = "ReplayConfigSchema")
    record ReplayConfigSchema(
            @Schema(implementation = ReplayType.class) String replayType,
            @Schema(implementation = ReplayTarget.class) String target,
            ReplayFilterSchema filter,
            double speedMultiplier,
            boolean preserveTimestamps,
            int batchSize,
            Integer maxEvents,
            Map<String, String> targetTopics,
            String targetFilePath,
            boolean skipErrors,
            boolean retryFailed,
            int retryAttempts,
            boolean enableProgressTracking) {}

    @Schema(name = "ReplayError")
    record ReplayError(Instant timestamp, String error, String errorType, String eventId) {}

    @Schema(name = "ReplaySession")
    record ReplaySession(
            String sessionId,
            ReplayConfigSchema config,
            @Schema(implementation = ReplayStatus.class) String status,
            long totalEvents,
            long replayedEvents,
            long failedEvents,
            long skippedEvents,
            Instant createdAt,
            Instant startedAt,
            Instant completedAt,
            Instant lastEventAt,
            List<ReplayError> errors,

            @Addition @Schema(description = "Handled events (replayed, failed, skipped) of the total, in %")
            double progressPercentage,

            @Addition @Schema(description = "Who created it")
            String createdBy,

            @Addition @Schema(description = "For a file target: where to download the file once written")
            String downloadUrl) {}

    @Schema(name = "CleanupResponse")
    record CleanupResponse(long removedSessions, String message) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "EventReplayRequest", description = "At least one of the filters is required")
    record EventReplayRequest(
            List<String> eventIds,
            String aggregateId,
            @Schema(format = "date-time") String startTime,
            @Schema(format = "date-time") String endTime,

            @Schema(description = "The Kafka topic to send the copies to; default sandpod.replay")
            String targetService,

            @Schema(defaultValue = "true") Boolean dryRun) {}

    @Schema(name = "EventReplayResponse")
    record EventReplayResponse(
            boolean dryRun,
            long totalEvents,
            String replayId,
            String sessionId,
            @Schema(implementation = ReplayStatus.class) String status,
            List<EventDocs.Summary> eventsPreview) {}

    @Schema(name = "EventReplayStatusResponse")
    record EventReplayStatusResponse(
            String sessionId,
            @Schema(implementation = ReplayStatus.class) String status,
            long totalEvents,
            long replayedEvents,
            long failedEvents,
            long skippedEvents,
            String replayId,
            Instant createdAt,
            Instant startedAt,
            Instant completedAt,
            List<ReplayError> errors,
            Instant estimatedCompletion,

            @Schema(description = "Always null: a replay never runs code")
            List<Object> executionResults,

            double progressPercentage) {}

    // ---- from the stored session

    static double progress(ReplaySessionDocument s) {
        if ("completed".equals(s.status)) {
            return 100.0;
        }
        if (s.totalEvents <= 0) {
            return 0.0;
        }
        return Math.min(100.0, Math.round(s.processed() * 10000.0 / s.totalEvents) / 100.0);
    }

    static SessionSummary summary(ReplaySessionDocument s) {
        return new SessionSummary(
                s.sessionId,
                new SessionConfigSummary(s.replayType, s.target),
                s.status,
                s.totalEvents,
                s.replayedEvents,
                s.failedEvents,
                s.skippedEvents,
                s.createdAt,
                s.startedAt,
                s.completedAt,
                duration(s),
                progress(s));
    }

    static ReplaySession session(ReplaySessionDocument s, String downloadUrl) {
        Map<String, String> topics = null;
        if (s.targetTopics != null) {
            topics = new LinkedHashMap<>();
            for (ReplaySessionDocument.TopicRoute route : s.targetTopics) {
                topics.put(route.eventType(), route.topic());
            }
        }
        ReplayConfigSchema config = new ReplayConfigSchema(
                s.replayType,
                s.target,
                new ReplayFilterSchema(
                        s.eventIds,
                        s.executionId,
                        s.aggregateId,
                        s.eventTypes,
                        s.excludeEventTypes,
                        s.startTime,
                        s.endTime,
                        s.userId,
                        s.serviceName),
                s.speedMultiplier,
                s.preserveTimestamps,
                s.batchSize,
                s.maxEvents,
                topics,
                s.targetFilePath,
                s.skipErrors,
                s.retryFailed,
                s.retryAttempts,
                s.enableProgressTracking);
        return new ReplaySession(
                s.sessionId,
                config,
                s.status,
                s.totalEvents,
                s.replayedEvents,
                s.failedEvents,
                s.skippedEvents,
                s.createdAt,
                s.startedAt,
                s.completedAt,
                s.lastEventAt,
                errors(s),
                progress(s),
                s.createdBy,
                downloadUrl);
    }

    static EventReplayStatusResponse status(ReplaySessionDocument s, Instant now) {
        Instant eta = null;
        if ("running".equals(s.status) && s.startedAt != null && s.processed() > 0 && s.totalEvents > s.processed()) {
            double seconds = Duration.between(s.startedAt, now).toMillis() / 1000.0;
            double perSecond = s.processed() / Math.max(seconds, 0.001);
            eta = now.plusMillis((long) ((s.totalEvents - s.processed()) / perSecond * 1000));
        }
        return new EventReplayStatusResponse(
                s.sessionId,
                s.status,
                s.totalEvents,
                s.replayedEvents,
                s.failedEvents,
                s.skippedEvents,
                s.sessionId,
                s.createdAt,
                s.startedAt,
                s.completedAt,
                errors(s),
                eta,
                null,
                progress(s));
    }

    private static List<ReplayError> errors(ReplaySessionDocument s) {
        return s.errors == null
                ? List.of()
                : s.errors.stream()
                        .map(e -> new ReplayError(e.timestamp(), e.error(), e.errorType(), e.eventId()))
                        .toList();
    }

    private static Double duration(ReplaySessionDocument s) {
        if (s.startedAt == null) {
            return null;
        }
        Instant end = s.completedAt != null ? s.completedAt : Instant.now();
        return Duration.between(s.startedAt, end).toMillis() / 1000.0;
    }
}
