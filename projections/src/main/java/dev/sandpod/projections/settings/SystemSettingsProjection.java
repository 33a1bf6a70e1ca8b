package dev.sandpod.projections.settings;

import dev.sandpod.api.settings.SystemSettings;
import dev.sandpod.api.settings.SystemSettingsChangedEvent;
import dev.sandpod.projections.ReadModelReset;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;

/**
 * The current system settings, one document. Each change stored is announced in this instance (a Spring
 * application event, the change itself), so that what keeps a copy of the settings (the execution saga's
 * settings) reads them again at once.
 */
@Component
@ProcessingGroup("system-settings")
public class SystemSettingsProjection {

    private final MongoTemplate mongo;
    private final ApplicationEventPublisher stored;

    SystemSettingsProjection(MongoTemplate mongo, ApplicationEventPublisher stored) {
        this.mongo = mongo;
        this.stored = stored;
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
        stored.publishEvent(event);
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
