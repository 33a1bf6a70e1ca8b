package dev.sandpod.projections.settings;

import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import dev.sandpod.projections.ReadModelReset;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;

/** The current system settings, one document. */
@Component
@ProcessingGroup("system-settings")
public class SystemSettingsProjection {

    private final MongoTemplate mongo;

    SystemSettingsProjection(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Document("system_settings")
    static class SettingsDocument {
        @Id
        String id;

        SystemSettings settings;
    }

    @EventHandler
    void on(SystemSettingsChangedEvent event) {
        SettingsDocument doc = new SettingsDocument();
        doc.id = event.settingsId();
        doc.settings = event.settings();
        mongo.save(doc);
    }

    @ResetHandler
    void reset() {
        ReadModelReset.dropAndReindex(mongo, SettingsDocument.class);
    }

    public Optional<SystemSettings> current(String settingsId) {
        return Optional.ofNullable(mongo.findById(settingsId, SettingsDocument.class))
                .map(d -> d.settings);
    }
}
