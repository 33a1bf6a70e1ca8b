package dev.sandpod.query.operations;

import com.mongodb.client.model.Filters;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.query.history.EventHistory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * What a user did in a window (the admin overview's last 24 hours), from the event store: the events of the
 * user's account and of every execution of theirs touched in the window, counted by type and hour, the
 * terminal outcomes among them, and the latest few rendered as the contract's event shape. Blocking.
 */
@Component
public class UserOverviews {

    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00").withZone(ZoneOffset.UTC);
    static final int RECENT = 10;

    private final MongoTemplate mongo;
    private final EventHistory history;

    public UserOverviews(MongoTemplate mongo, EventHistory history) {
        this.mongo = mongo;
        this.history = history;
    }

    public record TypeCount(String eventType, long count) {}

    public record ServiceCount(String serviceName, long count) {}

    public record HourCount(String hour, long count) {}

    public record UserCount(String userId, long count) {}

    public record Stats(
            long totalEvents,
            List<TypeCount> eventsByType,
            List<ServiceCount> eventsByService,
            List<HourCount> eventsByHour,
            List<UserCount> topUsers,
            double errorRate,
            double avgProcessingTime,
            Instant startTime,
            Instant endTime) {}

    public record DerivedCounts(long succeeded, long failed, long timeout, long cancelled, long terminalTotal) {}

    public record Activity(Stats stats, DerivedCounts derivedCounts, List<Map<String, Object>> recentEvents) {}

    public Activity of(String userId, Instant since, Instant until) {
        List<Map<String, Object>> events = new ArrayList<>(inWindow(history.of(userId), since, until));
        List<Double> durations = new ArrayList<>();
        for (Document execution : mongo.getCollection(ExecutionDocument.COLLECTION)
                .find(Filters.and(
                        Filters.eq("userId", userId), Filters.gte("updatedAt", java.util.Date.from(since))))) {
            events.addAll(inWindow(history.of(execution.getString("_id")), since, until));
        }
        Map<String, Long> byType = new TreeMap<>();
        Map<String, Long> byHour = new TreeMap<>();
        Map<String, Instant> requested = new java.util.HashMap<>();
        long succeeded = 0, failed = 0, timeout = 0, cancelled = 0;
        for (Map<String, Object> event : events) {
            String type = (String) event.get("event_type");
            Instant at = Instant.parse((String) event.get("timestamp"));
            byType.merge(type, 1L, Long::sum);
            byHour.merge(HOUR.format(at.truncatedTo(ChronoUnit.HOURS)), 1L, Long::sum);
            String aggregate = (String) event.get("aggregate_id");
            switch (type) {
                case "execution_requested" -> requested.put(aggregate, at);
                case "execution_completed" -> succeeded++;
                case "execution_failed", "execution_error" -> failed++;
                case "execution_timeout" -> timeout++;
                case "execution_cancelled" -> cancelled++;
                default -> {}
            }
            if (type.equals("result_stored") && requested.containsKey(aggregate)) {
                durations.add((at.toEpochMilli() - requested.get(aggregate).toEpochMilli()) / 1000.0);
            }
        }
        long terminal = succeeded + failed + timeout + cancelled;
        events.sort(Comparator.comparing((Map<String, Object> e) -> (String) e.get("timestamp"))
                .reversed());
        var stats = new Stats(
                events.size(),
                byType.entrySet().stream()
                        .map(e -> new TypeCount(e.getKey(), e.getValue()))
                        .toList(),
                events.isEmpty() ? List.of() : List.of(new ServiceCount("sandpod", events.size())),
                byHour.entrySet().stream()
                        .map(e -> new HourCount(e.getKey(), e.getValue()))
                        .toList(),
                events.isEmpty() ? List.of() : List.of(new UserCount(userId, events.size())),
                terminal == 0 ? 0.0 : (double) (failed + timeout) / terminal,
                durations.isEmpty()
                        ? 0.0
                        : durations.stream()
                                .mapToDouble(Double::doubleValue)
                                .average()
                                .orElse(0),
                since,
                until);
        return new Activity(
                stats,
                new DerivedCounts(succeeded, failed, timeout, cancelled, terminal),
                events.subList(0, Math.min(RECENT, events.size())));
    }

    private static List<Map<String, Object>> inWindow(List<Map<String, Object>> events, Instant since, Instant until) {
        return events.stream()
                .filter(e -> {
                    Instant at = Instant.parse((String) e.get("timestamp"));
                    return !at.isBefore(since) && !at.isAfter(until);
                })
                .toList();
    }
}
