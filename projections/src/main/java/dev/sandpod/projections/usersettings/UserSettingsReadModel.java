package dev.sandpod.projections.usersettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sandpod.api.usersettings.SettingsHistoryEntryView;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsView;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

@Component
public class UserSettingsReadModel {

    private final MongoTemplate mongo;

    UserSettingsReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * The defaults (version 1) for a user who never changed anything. {@code version} counts the changes
     * from there: every settings event is one.
     */
    public UserSettingsView of(String userId) {
        UserSettingsDocument doc = mongo.findById(userId, UserSettingsDocument.class);
        if (doc == null) {
            Instant now = Instant.now();
            return new UserSettingsView(userId, UserPreferences.DEFAULTS, 1, now, now, -1);
        }
        return new UserSettingsView(
                userId,
                read(doc.settingsJson, UserPreferences.class),
                doc.revision + 2,
                doc.createdAt,
                doc.updatedAt,
                doc.revision);
    }

    /** Newest first: by event sequence, and within one event in field order. */
    public List<SettingsHistoryEntryView> history(String userId, int limit) {
        Query query = Query.query(Criteria.where("userId").is(userId))
                .with(Sort.by(Sort.Order.desc("sequence"), Sort.Order.asc("index")))
                .limit(limit);
        return mongo.find(query, SettingsHistoryDocument.class).stream()
                .map(e -> new SettingsHistoryEntryView(
                        e.timestamp,
                        e.eventType,
                        e.field,
                        read(e.oldValueJson, Object.class),
                        read(e.newValueJson, Object.class),
                        e.reason))
                .toList();
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : UserSettingsProjection.JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
