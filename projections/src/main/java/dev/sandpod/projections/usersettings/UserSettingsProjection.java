package dev.sandpod.projections.usersettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.usersettings.SettingChange;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsChangedEvent;
import dev.sandpod.api.usersettings.UserSettingsRestoredEvent;
import dev.sandpod.projections.ReadModelReset;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Current settings and the change history (newest first, old and new value per field). Both are rebuilt
 * from the events alone, restores included: a restore carries the values it restored, so a rebuild cannot
 * undo it.
 */
@Component
@ProcessingGroup(UserSettingsProjection.PROCESSING_GROUP)
class UserSettingsProjection {

    static final String PROCESSING_GROUP = "user-settings";
    static final String SETTINGS_UPDATED = "user_settings_updated";
    static final String NOTIFICATION_PREFERENCES_UPDATED = "notification_preferences_updated";

    /** Plain Jackson: stored text must not follow the web's naming settings. */
    static final ObjectMapper JSON = new ObjectMapper();

    private final MongoTemplate mongo;

    UserSettingsProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @EventHandler
    void on(UserSettingsChangedEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        apply(event.userId(), event.previous(), event.settings(), event.reason(), message, sequence);
    }

    @EventHandler
    void on(UserSettingsRestoredEvent event, EventMessage<?> message, @SequenceNumber long sequence) {
        String reason = "Restored to " + event.restoredTo()
                + (event.reason() == null || event.reason().isBlank() ? "" : ": " + event.reason());
        apply(event.userId(), event.previous(), event.settings(), reason, message, sequence);
    }

    private void apply(
            String userId,
            UserPreferences previous,
            UserPreferences settings,
            String reason,
            EventMessage<?> message,
            long sequence) {
        Instant at = message.getTimestamp();
        UserSettingsDocument doc = mongo.findById(userId, UserSettingsDocument.class);
        if (doc == null) {
            doc = new UserSettingsDocument();
            doc.userId = userId;
            doc.createdAt = at;
        }
        if (doc.revision < sequence) {
            doc.settingsJson = json(settings);
            doc.updatedAt = at;
            doc.revision = sequence;
            mongo.save(doc);
        }
        List<SettingChange> changes = UserPreferences.diff(previous, settings);
        for (int i = 0; i < changes.size(); i++) {
            SettingChange change = changes.get(i);
            SettingsHistoryDocument entry = new SettingsHistoryDocument();
            entry.id = message.getIdentifier() + "#" + i;
            entry.userId = userId;
            entry.sequence = sequence;
            entry.index = i;
            entry.timestamp = at;
            entry.eventType =
                    change.field().startsWith("notifications.") ? NOTIFICATION_PREFERENCES_UPDATED : SETTINGS_UPDATED;
            entry.field = change.field();
            entry.oldValueJson = json(change.oldValue());
            entry.newValueJson = json(change.newValue());
            entry.reason = reason;
            mongo.save(entry);
        }
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, UserSettingsDocument.class, SettingsHistoryDocument.class);
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
