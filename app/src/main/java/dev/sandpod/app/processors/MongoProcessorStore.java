package dev.sandpod.app.processors;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import dev.sandpod.query.operations.ProcessorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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
 * its commit time), and a small collection of pause flags that every instance reads.
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

    @Override
    public long eventsAfter(TrackingToken token) {
        Instant time = time(token);
        MongoCollection<Document> events = axon.eventCollection();
        if (time == null) {
            return events.countDocuments();
        }
        return events.countDocuments(Filters.gt("timestamp", DateTimeUtils.formatInstant(time)));
    }

    private static Instant time(TrackingToken token) {
        if (token == null) {
            return null;
        }
        TrackingToken unwrapped = WrappedToken.unwrapUpperBound(token);
        return unwrapped instanceof MongoTrackingToken mongo ? mongo.getTimestamp() : null;
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
        mongo.getCollection(CONTROLS)
                .replaceOne(
                        Filters.eq("_id", processorName),
                        new Document("_id", processorName)
                                .append("paused", paused)
                                .append("changedAt", Instant.now().toString()),
                        new ReplaceOptions().upsert(true));
    }
}
