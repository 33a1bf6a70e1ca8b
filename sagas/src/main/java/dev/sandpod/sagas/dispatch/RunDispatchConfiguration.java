package dev.sandpod.sagas.dispatch;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RunDispatchConfiguration {

    /**
     * Axon's default error handler logs and moves on, which would silently drop a run request when Kafka is
     * unreachable. Propagating makes the processor back off and retry the same event.
     */
    @Autowired
    void propagateDispatchErrors(EventProcessingConfigurer processing) {
        processing.registerListenerInvocationErrorHandler(
                RunRequestPublisher.PROCESSING_GROUP, configuration -> PropagatingErrorHandler.instance());
    }
}
