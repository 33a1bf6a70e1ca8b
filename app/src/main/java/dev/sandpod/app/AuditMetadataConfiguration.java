package dev.sandpod.app;

import java.util.List;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.MultiCorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuditMetadataConfiguration {

    /**
     * Copies who/where/which-request from a command to the events it causes, next to Axon's own
     * correlation and trace ids (declaring any provider replaces Axon's default one, so it is kept here).
     */
    @Bean
    CorrelationDataProvider auditCorrelationDataProvider() {
        return new MultiCorrelationDataProvider<>(List.of(
                new MessageOriginProvider(),
                new SimpleCorrelationDataProvider("userId", "tokenId", "clientIp", "requestId")));
    }
}
