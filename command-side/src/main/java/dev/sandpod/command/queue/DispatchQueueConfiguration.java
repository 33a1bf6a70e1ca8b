package dev.sandpod.command.queue;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DispatchQueueConfiguration {

    /** Every run adds about three events to the one queue stream; a snapshot keeps loading it cheap. */
    private static final int EVENTS_PER_SNAPSHOT = 250;

    @Bean
    SnapshotTriggerDefinition dispatchQueueSnapshotTrigger(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, EVENTS_PER_SNAPSHOT);
    }

    /** The queue is touched by every run; keep it in memory instead of re-reading it for each command. */
    @Bean
    Cache dispatchQueueCache() {
        return new WeakReferenceCache();
    }
}
