package dev.sandpod.projections.eventindex;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Per-hour counters of the visible events in the event index ({@code event_index_hourly}), kept by
 * {@link EventIndexProjection} as it indexes and hides events, so that the statistics over a week read a few
 * thousand small documents instead of grouping every event. Per hour and event type: count, errors, sum and
 * number of run times; per hour and acting user: count. An event is counted when its index entry is first
 * inserted (a redelivered event finds its entry and is not counted again) and uncounted when it is hidden.
 */
public final class EventIndexCounters {

    public static final String COLLECTION = "event_index_hourly";
    public static final String TYPE = "type";
    public static final String USER = "user";

    private EventIndexCounters() {}

    /** Declares the index the statistics read by ({@code kind, hour}). */
    public static void ensureIndex(MongoTemplate mongo) {
        mongo.indexOps(COLLECTION)
                .ensureIndex(new Index()
                        .on("kind", org.springframework.data.domain.Sort.Direction.ASC)
                        .on("hour", org.springframework.data.domain.Sort.Direction.ASC)
                        .named("kind_hour"));
    }

    /** Counts one event in ({@code sign} 1) or out ({@code sign} -1). */
    public static void add(MongoTemplate mongo, EventIndexDocument doc, int sign) {
        Map<String, Counter> counters = new LinkedHashMap<>();
        accumulate(counters, doc, sign);
        write(mongo, counters);
    }

    /** Counts many events in at once (benchmarks and tests that lay down a large index directly). */
    public static void addAll(MongoTemplate mongo, Collection<EventIndexDocument> docs) {
        Map<String, Counter> counters = new LinkedHashMap<>();
        docs.forEach(doc -> accumulate(counters, doc, 1));
        write(mongo, counters);
    }

    /** The sums of one counter document, to be added to it. */
    static final class Counter {
        final String kind;
        final String hour;
        final String key;
        long count;
        long errors;
        double processingSum;
        long processingCount;

        Counter(String kind, String hour, String key) {
            this.kind = kind;
            this.hour = hour;
            this.key = key;
        }
    }

    /** Adds one event ({@code sign} 1) or takes it away (-1) in sums to be {@link #write written}. */
    static void accumulate(Map<String, Counter> counters, EventIndexDocument doc, int sign) {
        if (doc.hour == null || doc.type == null) {
            return;
        }
        Counter type =
                counters.computeIfAbsent("t|" + doc.hour + "|" + doc.type, id -> new Counter(TYPE, doc.hour, doc.type));
        type.count += sign;
        if (doc.error) {
            type.errors += sign;
        }
        if (doc.processingSeconds != null) {
            type.processingSum += sign * doc.processingSeconds;
            type.processingCount += sign;
        }
        if (doc.userId != null) {
            counters.computeIfAbsent("u|" + doc.hour + "|" + doc.userId, id -> new Counter(USER, doc.hour, doc.userId))
                    .count += sign;
        }
    }

    /** Adds the sums to the counters: one bulk of upserts, none if there is nothing to add. */
    static void write(MongoTemplate mongo, Map<String, Counter> counters) {
        if (counters.isEmpty()) {
            return;
        }
        BulkOperations bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, COLLECTION);
        counters.forEach((id, c) -> {
            Update update = new Update()
                    .setOnInsert("kind", c.kind)
                    .setOnInsert("hour", c.hour)
                    .setOnInsert("key", c.key)
                    .inc("count", c.count);
            if (TYPE.equals(c.kind)) {
                update.inc("errors", c.errors)
                        .inc("processingSum", c.processingSum)
                        .inc("processingCount", c.processingCount);
            }
            bulk.upsert(Query.query(Criteria.where("_id").is(id)), update);
        });
        bulk.execute();
    }

    /** The counters of one kind from the given hour on (hours are ISO strings, so they sort as text). */
    public static java.util.List<Document> from(MongoTemplate mongo, String kind, String firstHour) {
        return mongo.find(
                Query.query(Criteria.where("kind").is(kind).and("hour").gte(firstHour)), Document.class, COLLECTION);
    }

    public static void clear(MongoTemplate mongo) {
        mongo.remove(new Query(), COLLECTION);
    }
}
