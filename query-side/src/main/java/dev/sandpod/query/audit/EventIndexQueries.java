package dev.sandpod.query.audit;

import dev.sandpod.projections.eventindex.AuditedEvent;
import dev.sandpod.projections.eventindex.EventIndexCounters;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.aggregation.Aggregation;
import org.springframework.data.mongodb.core.convert.QueryMapper;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The event browser's queries over the event index (the {@code event-index} read model), newest first:
 * browse with filters, statistics, one event with its related events, and exports streamed from a cursor.
 * Hidden events are left out everywhere. An {@code ownerId} restricts any of them to the events of one
 * user's aggregates (the users' own queries). Blocking (Mongo): call off the event loop, except the export,
 * which reads on its own scheduler as the response is written.
 */
@Component
public class EventIndexQueries {

    /** Filters of the browser; null or empty fields do not filter. */
    public record Filter(
            List<String> types,
            String aggregateId,
            String userId,
            String correlationId,
            Instant start,
            Instant end,
            String searchText,
            String ownerId) {}

    public record Page(List<Map<String, Object>> events, long total, int skip, int limit) {}

    public record TypeCount(String eventType, long count) {}

    public record HourCount(String hour, long count) {}

    public record UserCount(String userId, long eventCount) {}

    public record Stats(
            long totalEvents,
            List<TypeCount> eventsByType,
            List<HourCount> eventsByHour,
            List<UserCount> topUsers,
            double errorRate,
            double avgProcessingTime) {}

    public record Summary(String eventId, String eventType, Instant timestamp, String aggregateId) {}

    public record Detail(Map<String, Object> event, List<Summary> relatedEvents, List<Summary> timeline) {}

    static final int RELATED_LIMIT = 100;
    private static final int EXPORT_CHUNK = 256;
    private static final int TOP_USERS = 10;

    private final MongoTemplate mongo;

    EventIndexQueries(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Page browse(Filter filter, int skip, int limit) {
        Query query = query(filter);
        long total = count(query);
        query.with(Sort.by(Sort.Direction.DESC, "timestamp")).skip(skip).limit(limit);
        List<Map<String, Object>> events = mongo.find(query, EventIndexDocument.class).stream()
                .map(doc -> AuditedEvent.parse(doc.eventJson))
                .toList();
        return new Page(events, total, skip, limit);
    }

    /**
     * Counts of the events of the window {@code [now - window, now]}. A user's own (an {@code ownerId}) are
     * grouped from their slice of the index; everyone's come from the per-hour counters of the projection
     * ({@link EventIndexCounters}): the whole hours after the window's start from the counters, the part of
     * the first hour inside the window from the index (at most one hour of events), so the answer is exact
     * and its cost does not grow with the window.
     */
    /**
     * The number of matching entries through the {@code count} command: answered from the index slice alone
     * when an index covers the filter (on the embedded server as on MongoDB), without the aggregation
     * pipeline that {@code countDocuments} runs (on the embedded server that pipeline stands a placeholder
     * document in for every match before grouping them).
     */
    long count(Query query) {
        Document mapped = new QueryMapper(mongo.getConverter())
                .getMappedObject(
                        query.getQueryObject(),
                        mongo.getConverter().getMappingContext().getPersistentEntity(EventIndexDocument.class));
        Document answer =
                mongo.executeCommand(new Document("count", EventIndexDocument.COLLECTION).append("query", mapped));
        return number(answer.get("n"));
    }

    public Stats stats(Duration window, String ownerId, Instant now) {
        if (ownerId == null) {
            return countedStats(window, now);
        }
        return groupedStats(window, ownerId, now);
    }

    private Stats countedStats(Duration window, Instant now) {
        Instant start = now.minus(window);
        Instant firstWholeHour = start.truncatedTo(ChronoUnit.HOURS).equals(start)
                ? start
                : start.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        Map<String, long[]> types = new HashMap<>(); // count, errors, processing count
        Map<String, Double> processingSums = new HashMap<>();
        Map<String, Long> hours = new TreeMap<>();
        Map<String, Long> users = new HashMap<>();
        // the head: from the window's start to the first whole hour, read from the index
        if (start.isBefore(firstWholeHour)) {
            Query head = new Query(base(null).and("timestamp").gte(start).lt(firstWholeHour));
            head.fields().include("type", "hour", "userId", "error", "processingSeconds");
            try (Stream<EventIndexDocument> docs =
                    mongo.stream(head.cursorBatchSize(EXPORT_CHUNK), EventIndexDocument.class)) {
                docs.forEach(doc -> {
                    long[] t = types.computeIfAbsent(doc.type, k -> new long[3]);
                    t[0]++;
                    if (doc.error) {
                        t[1]++;
                    }
                    if (doc.processingSeconds != null) {
                        t[2]++;
                        processingSums.merge(doc.type, doc.processingSeconds, Double::sum);
                    }
                    hours.merge(doc.hour, 1L, Long::sum);
                    if (doc.userId != null) {
                        users.merge(doc.userId, 1L, Long::sum);
                    }
                });
            }
        }
        // the whole hours, from the counters (the current hour's counter holds nothing later than now)
        String from = firstWholeHour.toString();
        for (Document c : EventIndexCounters.from(mongo, EventIndexCounters.TYPE, from)) {
            long count = number(c.get("count"));
            if (count <= 0) {
                continue;
            }
            String type = c.getString("key");
            long[] t = types.computeIfAbsent(type, k -> new long[3]);
            t[0] += count;
            t[1] += number(c.get("errors"));
            t[2] += number(c.get("processingCount"));
            Object sum = c.get("processingSum");
            if (sum instanceof Number n && n.doubleValue() != 0) {
                processingSums.merge(type, n.doubleValue(), Double::sum);
            }
            hours.merge(c.getString("hour"), count, Long::sum);
        }
        for (Document c : EventIndexCounters.from(mongo, EventIndexCounters.USER, from)) {
            long count = number(c.get("count"));
            if (count > 0) {
                users.merge(c.getString("key"), count, Long::sum);
            }
        }
        long total = types.values().stream().mapToLong(t -> t[0]).sum();
        long errors = types.values().stream().mapToLong(t -> t[1]).sum();
        long processed = types.values().stream().mapToLong(t -> t[2]).sum();
        double processingSum = processingSums.values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        List<TypeCount> byType = types.entrySet().stream()
                .filter(e -> e.getValue()[0] > 0)
                .sorted(Map.Entry.<String, long[]>comparingByValue(java.util.Comparator.comparingLong(t -> -t[0]))
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new TypeCount(e.getKey(), e.getValue()[0]))
                .toList();
        List<HourCount> byHour = hours.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> new HourCount(e.getKey(), e.getValue()))
                .toList();
        List<UserCount> topUsers = users.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_USERS)
                .map(e -> new UserCount(e.getKey(), e.getValue()))
                .toList();
        double avg = processed == 0 ? 0.0 : processingSum / processed;
        double errorRate = total == 0 ? 0.0 : Math.round(errors * 10000.0 / total) / 10000.0;
        return new Stats(total, byType, byHour, topUsers, errorRate, Math.round(avg * 1000.0) / 1000.0);
    }

    private Stats groupedStats(Duration window, String ownerId, Instant now) {
        Criteria match = base(ownerId).and("timestamp").gte(now.minus(window));
        long total = mongo.count(Query.query(match), EventIndexDocument.class);
        List<TypeCount> byType = group(match, "type", Sort.by(Sort.Direction.DESC, "count"), 0).stream()
                .map(d -> new TypeCount(d.getString("_id"), number(d.get("count"))))
                .toList();
        List<HourCount> byHour = group(match, "hour", Sort.by(Sort.Direction.ASC, "_id"), 0).stream()
                .map(d -> new HourCount(d.getString("_id"), number(d.get("count"))))
                .toList();
        List<UserCount> users = group(
                        new Criteria()
                                .andOperator(match, Criteria.where("userId").ne(null)),
                        "userId",
                        Sort.by(Sort.Direction.DESC, "count"),
                        TOP_USERS)
                .stream()
                .map(d -> new UserCount(d.getString("_id"), number(d.get("count"))))
                .toList();
        long errors = mongo.count(
                Query.query(new Criteria()
                        .andOperator(match, Criteria.where("error").is(true))),
                EventIndexDocument.class);
        List<Document> processing = mongo.aggregate(
                        Aggregation.newAggregation(
                                Aggregation.match(new Criteria()
                                        .andOperator(
                                                match,
                                                Criteria.where("processingSeconds")
                                                        .ne(null))),
                                Aggregation.group().avg("processingSeconds").as("avg")),
                        EventIndexDocument.COLLECTION,
                        Document.class)
                .getMappedResults();
        double avg = processing.isEmpty() || processing.get(0).get("avg") == null
                ? 0.0
                : ((Number) processing.get(0).get("avg")).doubleValue();
        double errorRate = total == 0 ? 0.0 : Math.round(errors * 10000.0 / total) / 10000.0;
        return new Stats(total, byType, byHour, users, errorRate, Math.round(avg * 1000.0) / 1000.0);
    }

    /** The event with the events of its correlation and of its aggregate; null when unknown, hidden or not the owner's. */
    public Detail detail(String eventId, String ownerId) {
        EventIndexDocument doc = find(eventId, ownerId);
        if (doc == null) {
            return null;
        }
        List<Summary> related = doc.correlationId == null
                ? List.of()
                : summaries(new Query(base(ownerId)
                                .and("correlationId")
                                .is(doc.correlationId)
                                .and("_id")
                                .ne(eventId))
                        .with(Sort.by(Sort.Direction.ASC, "timestamp"))
                        .limit(RELATED_LIMIT));
        List<Summary> timeline = new ArrayList<>(
                doc.aggregateId == null
                        ? List.of()
                        : summaries(new Query(base(ownerId).and("aggregateId").is(doc.aggregateId))
                                .with(Sort.by(Sort.Direction.DESC, "timestamp"))
                                .limit(RELATED_LIMIT)));
        java.util.Collections.reverse(timeline);
        return new Detail(AuditedEvent.parse(doc.eventJson), related, timeline);
    }

    /** One visible event, or null. */
    public EventIndexDocument find(String eventId, String ownerId) {
        // by id alone, then checked here: with hidden (and owner) in the filter the embedded server does not
        // see a point lookup and walks the hidden+timestamp index instead (seconds at 100 000 events)
        EventIndexDocument doc = mongo.findById(eventId, EventIndexDocument.class);
        if (doc == null || doc.hidden || (ownerId != null && !ownerId.equals(doc.ownerId))) {
            return null;
        }
        return doc;
    }

    /** The events of one correlation id, oldest first. */
    public List<Map<String, Object>> correlated(String correlationId, String ownerId, int limit) {
        return mongo
                .find(
                        new Query(base(ownerId).and("correlationId").is(correlationId))
                                .with(Sort.by(Sort.Direction.ASC, "timestamp"))
                                .limit(limit),
                        EventIndexDocument.class)
                .stream()
                .map(doc -> AuditedEvent.parse(doc.eventJson))
                .toList();
    }

    /** A JSON array of the matching events, newest first, in chunks read from a cursor as they are written. */
    public Flux<String> exportJson(Filter filter, int limit) {
        return export(filter, limit, doc -> AuditedEvent.json(AuditedEvent.parse(doc.eventJson)))
                .index()
                .map(row -> (row.getT1() == 0 ? "[" : ",") + row.getT2())
                .concatWith(Flux.just("]"))
                .switchIfEmpty(Flux.just("[]"))
                .buffer(EXPORT_CHUNK)
                .map(rows -> String.join("", rows) + "\n");
    }

    /** CSV with a header row, one row per event, the payload as a JSON cell. */
    public Flux<String> exportCsv(Filter filter, int limit) {
        return Flux.just(EventCsv.HEADER)
                .concatWith(export(filter, limit, EventCsv::row)
                        .buffer(EXPORT_CHUNK)
                        .map(rows -> String.join("", rows)));
    }

    private Flux<String> export(Filter filter, int limit, java.util.function.Function<EventIndexDocument, String> row) {
        return Flux.using(
                        () -> mongo.stream(
                                query(filter)
                                        .with(Sort.by(Sort.Direction.DESC, "timestamp"))
                                        .limit(limit)
                                        .cursorBatchSize(EXPORT_CHUNK),
                                EventIndexDocument.class),
                        Flux::fromStream,
                        Stream::close)
                .map(row)
                .subscribeOn(Schedulers.boundedElastic());
    }

    private List<Document> group(Criteria match, String field, Sort sort, int limit) {
        List<org.springframework.data.mongodb.core.aggregation.AggregationOperation> stages = new ArrayList<>();
        stages.add(Aggregation.match(match));
        stages.add(Aggregation.group(field).count().as("count"));
        stages.add(Aggregation.sort(sort));
        if (limit > 0) {
            stages.add(Aggregation.limit(limit));
        }
        return mongo.aggregate(Aggregation.newAggregation(stages), EventIndexDocument.COLLECTION, Document.class)
                .getMappedResults();
    }

    private List<Summary> summaries(Query query) {
        query.fields().include("_id", "type", "timestamp", "aggregateId");
        return mongo.find(query, EventIndexDocument.class).stream()
                .map(doc -> new Summary(doc.eventId, doc.type, doc.timestamp, doc.aggregateId))
                .toList();
    }

    private static Criteria base(String ownerId) {
        Criteria criteria = Criteria.where("hidden").is(false);
        if (ownerId != null) {
            criteria.and("ownerId").is(ownerId);
        }
        return criteria;
    }

    static Query query(Filter filter) {
        Criteria criteria = base(filter.ownerId());
        if (filter.types() != null && !filter.types().isEmpty()) {
            if (filter.types().size() == 1) {
                criteria.and("type").is(filter.types().get(0));
            } else {
                criteria.and("type").in(filter.types());
            }
        }
        if (filter.aggregateId() != null) {
            criteria.and("aggregateId").is(filter.aggregateId());
        }
        if (filter.userId() != null) {
            criteria.and("userId").is(filter.userId());
        }
        if (filter.correlationId() != null) {
            criteria.and("correlationId").is(filter.correlationId());
        }
        if (filter.start() != null || filter.end() != null) {
            Criteria time = criteria.and("timestamp");
            if (filter.start() != null) {
                time.gte(filter.start());
            }
            if (filter.end() != null) {
                time.lte(filter.end());
            }
        }
        if (filter.searchText() != null) {
            criteria.and("searchText").regex(Pattern.quote(filter.searchText().toLowerCase()));
        }
        return new Query(criteria);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
