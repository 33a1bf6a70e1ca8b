package dev.sandpod.web.replay;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.query.replay.ReplaySessionDocument;
import dev.sandpod.query.replay.ReplaySessions;
import dev.sandpod.web.support.QueryParameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A replay session's configuration from a request ({@link ReplayController}): every field checked and refused
 * with its own 422, the defaults filled in.
 */
final class ReplayConfigs {

    private static final Pattern TYPE_KEY = Pattern.compile("\\*|[a-z][a-z0-9_]{0,80}");

    private ReplayConfigs() {}

    static ReplaySessionDocument config(ReplayDocs.ReplayRequest r) {
        ReplaySessionDocument c = new ReplaySessionDocument();
        c.replayType = QueryParameters.optional(r.replayType());
        if (c.replayType == null) {
            throw RequestValidationException.of("body", "replay_type", "Field required");
        }
        if (!wireNames(ReplayType.values()).contains(c.replayType)) {
            throw RequestValidationException.of(
                    "body", "replay_type", "Input should be one of " + wireNames(ReplayType.values()));
        }
        c.target = r.target() == null ? "kafka" : r.target();
        if (!wireNames(ReplayTarget.values()).contains(c.target)) {
            throw RequestValidationException.of(
                    "body", "target", "Input should be one of " + wireNames(ReplayTarget.values()));
        }
        if ("callback".equals(c.target)) {
            throw RequestValidationException.of("body", "target", "callback is not supported: use kafka, file or test");
        }
        ReplayDocs.ReplayFilter f = r.filter() == null
                ? new ReplayDocs.ReplayFilter(null, null, null, null, null, null, null, null, null)
                : r.filter();
        c.eventIds = nonEmpty(f.eventIds());
        c.executionId = QueryParameters.optional(f.executionId());
        c.aggregateId = QueryParameters.optional(f.aggregateId());
        c.eventTypes = nonEmpty(f.eventTypes());
        c.excludeEventTypes = nonEmpty(f.excludeEventTypes());
        c.startTime = time("body", "filter.start_time", f.startTime());
        c.endTime = time("body", "filter.end_time", f.endTime());
        c.userId = QueryParameters.optional(f.userId());
        c.serviceName = QueryParameters.optional(f.serviceName());
        switch (c.replayType) {
            case "execution" -> {
                if (c.executionId == null) {
                    throw RequestValidationException.of(
                            "body", "filter.execution_id", "Required for replay_type execution");
                }
            }
            case "time_range" -> {
                if (c.startTime == null && c.endTime == null) {
                    throw RequestValidationException.of(
                            "body",
                            "filter.start_time",
                            "start_time or end_time is required for replay_type time_range");
                }
            }
            case "event_type" -> {
                if (c.eventTypes == null) {
                    throw RequestValidationException.of(
                            "body", "filter.event_types", "Required for replay_type event_type");
                }
            }
            default -> {}
        }
        if (c.startTime != null && c.endTime != null && c.startTime.isAfter(c.endTime)) {
            throw RequestValidationException.of("body", "filter.end_time", "end_time is before start_time");
        }
        c.speedMultiplier = r.speedMultiplier() == null ? 1.0 : r.speedMultiplier();
        if (!(c.speedMultiplier >= 0.1 && c.speedMultiplier <= 100)) {
            throw RequestValidationException.of("body", "speed_multiplier", "Input should be between 0.1 and 100");
        }
        c.preserveTimestamps = Boolean.TRUE.equals(r.preserveTimestamps());
        c.batchSize = r.batchSize() == null ? 100 : r.batchSize();
        if (c.batchSize < 1 || c.batchSize > 1000) {
            throw RequestValidationException.of("body", "batch_size", "Input should be between 1 and 1000");
        }
        c.maxEvents = r.maxEvents();
        if (c.maxEvents != null && c.maxEvents < 1) {
            throw RequestValidationException.of("body", "max_events", "Input should be greater than or equal to 1");
        }
        c.skipErrors = r.skipErrors() == null || r.skipErrors();
        c.retryFailed = Boolean.TRUE.equals(r.retryFailed());
        c.retryAttempts = r.retryAttempts() == null ? 3 : r.retryAttempts();
        if (c.retryAttempts < 1 || c.retryAttempts > 10) {
            throw RequestValidationException.of("body", "retry_attempts", "Input should be between 1 and 10");
        }
        c.enableProgressTracking = r.enableProgressTracking() == null || r.enableProgressTracking();
        String fileName = QueryParameters.optional(r.targetFilePath());
        if (fileName != null) {
            if (!"file".equals(c.target)) {
                throw RequestValidationException.of("body", "target_file_path", "Only for target file");
            }
            String problem = ReplaySessions.fileNameProblem(fileName);
            if (problem != null) {
                throw RequestValidationException.of("body", "target_file_path", problem);
            }
            c.targetFilePath = fileName;
        }
        if (r.targetTopics() != null && !r.targetTopics().isEmpty()) {
            if (!"kafka".equals(c.target)) {
                throw RequestValidationException.of("body", "target_topics", "Only for target kafka");
            }
            List<ReplaySessionDocument.TopicRoute> routes = new ArrayList<>();
            for (Map.Entry<String, String> route : r.targetTopics().entrySet()) {
                if (route.getKey() == null || !TYPE_KEY.matcher(route.getKey()).matches()) {
                    throw RequestValidationException.of(
                            "body", "target_topics", "Keys are event types (wire names) or *");
                }
                String problem = route.getValue() == null
                        ? "A topic name is required"
                        : ReplaySessions.topicProblem(route.getValue());
                if (problem != null) {
                    throw RequestValidationException.of("body", "target_topics." + route.getKey(), problem);
                }
                routes.add(new ReplaySessionDocument.TopicRoute(route.getKey(), route.getValue()));
            }
            c.targetTopics = routes;
        }
        return c;
    }

    static List<String> nonEmpty(List<String> values) {
        List<String> list = QueryParameters.list(values);
        return list.isEmpty() ? null : list;
    }

    static Instant time(String where, String name, String value) {
        try {
            return QueryParameters.instantOrUtc(name, value);
        } catch (RuntimeException e) {
            throw RequestValidationException.of(where, name, "Input should be a valid datetime");
        }
    }

    static List<String> statuses() {
        return wireNames(ReplayStatus.values());
    }

    static <E extends Enum<E>> List<String> wireNames(E[] values) {
        return java.util.Arrays.stream(values)
                .map(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                .toList();
    }
}
