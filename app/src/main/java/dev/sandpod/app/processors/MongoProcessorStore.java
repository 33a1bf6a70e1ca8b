package dev.sandpod.app.processors;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.sandpod.query.operations.ProcessorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The processor operations' view of the Mongo stores: axon-mongo's token documents (one per processor and
 * segment, with its owner and serialized token), the event collection (one document per event, stamped with
 * its commit time), and a small collection every instance reads ({@code processor_controls}, one document per
 * processor): the admin's pause flag and the processor's last rebuild.
 *
 * <p>A Mongo tracking token is a point in time plus the ids of the last second's events, so "events after a
 * token" is the number of events stamped later than its time: exact up to the events of that very
 * millisecond, which is as close as the token itself knows.
 */
@Component
class MongoProcessorStore implements ProcessorStore {

    private static final Logger log = LoggerFactory.getLogger(MongoProcessorStore.class);

    static final String CONTROLS = "processor_controls";

    private final MongoTemplate axon;
    private final Serializer serializer;
    private final org.springframework.data.mongodb.core.MongoTemplate mongo;

    MongoProcessorStore(
            MongoTemplate axon, Serializer serializer, org.springframework.data.mongodb.core.MongoTemplate mongo) {
        this.axon = axon;
        this.serializer = serializer;
        this.mongo = mongo;
    }

    @Override
    public List<Claim> claims(String processorName) {
        List<Claim> claims = new ArrayList<>();
        for (Document document : axon.trackingTokensCollection().find(Filters.eq("processorName", processorName))) {
            claims.add(new Claim(
                    ((Number) document.get("segment")).intValue(), document.getString("owner"), token(document)));
        }
        claims.sort(Comparator.comparingInt(Claim::segment));
        return claims;
    }

    private TrackingToken token(Document document) {
        Object raw = document.get("token");
        String type = document.getString("tokenType");
        if (raw == null || type == null) {
            return null;
        }
        byte[] bytes = raw instanceof Binary binary ? binary.getData() : (byte[]) raw;
        try {
            return serializer.deserialize(new SimpleSerializedObject<>(bytes, byte[].class, type, null));
        } catch (RuntimeException e) {
            log.warn(
                    "Cannot read the token of {} segment {}",
                    document.get("processorName"),
                    document.get("segment"),
                    e);
            return null;
        }
    }

    @Override
    public long totalEvents() {
        return axon.eventCollection().countDocuments();
    }

    /**
     * The events stamped after the token's time, plus those stamped at that very millisecond that the token
     * has not seen: one commit stamps all its events alike (a bulk append or a large command can store
     * hundreds in one millisecond), so counting only the later ones would call a processor caught up, and a
     * rebuild finished, while it is still inside that commit.
     */
    @Override
    public long eventsAfter(TrackingToken token) {
        MongoCollection<Document> events = axon.eventCollection();
        TrackingToken unwrapped = token == null ? null : WrappedToken.unwrapUpperBound(token);
        if (!(unwrapped instanceof MongoTrackingToken mongo)) {
            return events.countDocuments();
        }
        Instant time = mongo.getTimestamp();
        String stamp = DateTimeUtils.formatInstant(time);
        long millis = time.toEpochMilli();
        List<String> seenAtThatTime = new ArrayList<>();
        mongo.getTrackedEvents().forEach((id, at) -> {
            if (at != null && at == millis) {
                seenAtThatTime.add(id);
            }
        });
        long later = events.countDocuments(Filters.gt("timestamp", stamp));
        // Usually the token has seen every event of its millisecond: then an index count says so, without
        // reading the (up to thousands of) documents of one commit to match them against the seen ids.
        long atThatTime = events.countDocuments(Filters.eq("timestamp", stamp));
        if (atThatTime == seenAtThatTime.size()) {
            return later;
        }
        return later
                + events.countDocuments(
                        Filters.and(Filters.eq("timestamp", stamp), Filters.nin("eventIdentifier", seenAtThatTime)));
    }

    @Override
    public Set<String> pausedProcessors() {
        Set<String> paused = new HashSet<>();
        for (Document control : mongo.getCollection(CONTROLS).find(Filters.eq("paused", true))) {
            paused.add(control.getString("_id"));
        }
        return paused;
    }

    @Override
    public void setPausedByAdmin(String processorName, boolean paused) {
        // an update, not a replace: the document also holds the processor's last rebuild
        mongo.getCollection(CONTROLS)
                .updateOne(
                        Filters.eq("_id", processorName),
                        Updates.combine(
                                Updates.set("paused", paused),
                                Updates.set("changedAt", Instant.now().toString())),
                        new UpdateOptions().upsert(true));
    }

    @Override
    public Map<String, Rebuild> rebuilds() {
        Map<String, Rebuild> rebuilds = new HashMap<>();
        for (Document control : mongo.getCollection(CONTROLS).find(Filters.exists("rebuild"))) {
            rebuilds.put(control.getString("_id"), rebuild(control.get("rebuild", Document.class)));
        }
        return rebuilds;
    }

    /** One read of the whole collection (a document per processor that was ever paused or rebuilt). */
    @Override
    public Controls controls() {
        Set<String> paused = new HashSet<>();
        Map<String, Rebuild> rebuilds = new HashMap<>();
        for (Document control : mongo.getCollection(CONTROLS).find()) {
            if (Boolean.TRUE.equals(control.get("paused"))) {
                paused.add(control.getString("_id"));
            }
            if (control.get("rebuild") instanceof Document rebuild) {
                rebuilds.put(control.getString("_id"), rebuild(rebuild));
            }
        }
        return new Controls(paused, rebuilds);
    }

    private static Rebuild rebuild(Document rebuild) {
        return new Rebuild(
                instant(rebuild.getDate("startedAt")),
                ((Number) rebuild.get("target")).longValue(),
                instant(rebuild.getDate("finishedAt")),
                rebuild.getString("failure"),
                rebuild.getString("startedBy"));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    @Override
    public void rebuildStarted(String processorName, Rebuild rebuild) {
        mongo.getCollection(CONTROLS)
                .updateOne(
                        Filters.eq("_id", processorName),
                        Updates.set(
                                "rebuild",
                                new Document("startedAt", Date.from(rebuild.startedAt()))
                                        .append("target", rebuild.target())
                                        .append("finishedAt", null)
                                        .append("failure", null)
                                        .append("startedBy", rebuild.startedBy())),
                        new UpdateOptions().upsert(true));
    }

    @Override
    public void rebuildEnded(String processorName, Instant startedAt, Instant finishedAt, String failure) {
        mongo.getCollection(CONTROLS)
                .updateOne(
                        Filters.and(
                                Filters.eq("_id", processorName),
                                Filters.eq("rebuild.startedAt", Date.from(startedAt)),
                                Filters.eq("rebuild.finishedAt", null),
                                Filters.eq("rebuild.failure", null)),
                        Updates.combine(
                                Updates.set("rebuild.finishedAt", Date.from(finishedAt)),
                                Updates.set("rebuild.failure", failure)));
    }
}
