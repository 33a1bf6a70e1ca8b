package dev.sandpod.sagas.execution;

import org.axonframework.config.EventProcessingConfigurer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExecutionDefaults.class)
class ExecutionSagaConfiguration {

    /** Axon's default processing group of {@link ExecutionSaga}. */
    static final String PROCESSOR = "ExecutionSagaProcessor";

    /**
     * One segment, so the saga enqueues executions in the order they were queued. With two segments each
     * took its own executions and their enqueue commands reached the queue in any order: when a slot was
     * free, a run queued later could take it before an earlier one had even been enqueued, which the queue's
     * first-come order cannot repair. The saga's handlers only send commands, so one thread keeps up; a
     * store that already has two segments for it keeps them until they are merged.
     */
    @Autowired
    void oneSegmentForFirstComeFirstServed(EventProcessingConfigurer processing) {
        processing.registerPooledStreamingEventProcessorConfiguration(
                PROCESSOR, (configuration, builder) -> builder.initialSegmentCount(1));
    }
}
