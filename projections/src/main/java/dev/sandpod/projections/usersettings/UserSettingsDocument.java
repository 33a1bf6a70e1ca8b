package dev.sandpod.projections.usersettings;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user's current settings. The settings are kept as their JSON text: custom settings are arbitrary JSON
 * objects whose keys may contain dots or dollars, which Mongo field names cannot.
 */
@Document(UserSettingsDocument.COLLECTION)
class UserSettingsDocument {

    static final String COLLECTION = "user_settings";

    @Id
    String userId;

    String settingsJson;
    Instant createdAt;
    Instant updatedAt;
    long revision = -1;
}
