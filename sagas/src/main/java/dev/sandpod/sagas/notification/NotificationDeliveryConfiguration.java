package dev.sandpod.sagas.notification;

import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.StreamableMessageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationDeliveryProperties.class)
class NotificationDeliveryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NotificationDeliveryConfiguration.class);

    @Bean
    DeliverySchedule deliverySchedule(NotificationDeliveryProperties properties) {
        var d = properties.delivery();
        if (properties.webhookSecret() == null || properties.webhookSecret().isBlank()) {
            log.warn("sandpod.notifications.webhook-secret is not set: webhook and Slack deliveries will fail "
                    + "rather than go out unsigned");
        }
        return new DeliverySchedule(
                Math.max(1, d.maxAttempts()), d.initialBackoff(), Math.max(1.0, d.multiplier()), d.maxBackoff());
    }

    /**
     * The policy starts at the head of the store: installed on a system with history, it notifies about what
     * happens from then on, not about every past run. Its errors propagate so that the processor retries the
     * event (a query timing out must not lose a notification).
     */
    @Autowired
    void configurePolicyProcessor(EventProcessingConfigurer processing) {
        processing.registerPooledStreamingEventProcessorConfiguration(
                NotificationPolicy.PROCESSING_GROUP,
                (configuration, builder) -> builder.initialToken(StreamableMessageSource::createHeadToken));
        processing.registerListenerInvocationErrorHandler(
                NotificationPolicy.PROCESSING_GROUP, configuration -> PropagatingErrorHandler.instance());
    }
}
