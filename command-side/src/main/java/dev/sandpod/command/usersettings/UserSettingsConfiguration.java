package dev.sandpod.command.usersettings;

import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UserSettingsConfiguration {

    static final String SNAPSHOT_TRIGGER = "userSettingsSnapshotTrigger";

    /** Settings live as long as their user and change often: load them from a snapshot every N events. */
    @Bean(SNAPSHOT_TRIGGER)
    SnapshotTriggerDefinition userSettingsSnapshotTrigger(
            Snapshotter snapshotter, @Value("${sandpod.user-settings.snapshot-threshold:20}") int threshold) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, threshold);
    }
}
