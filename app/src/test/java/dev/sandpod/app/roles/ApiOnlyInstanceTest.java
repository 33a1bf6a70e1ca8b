package dev.sandpod.app.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.app.SandpodApplication;
import dev.sandpod.executor.kafka.RunRequestListener;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.jobrunr.server.BackgroundJobServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * {@code SANDPOD_ROLES=api}: the instance serves the API but runs no event processor — its streaming processors
 * exist and claim no segment (another instance with the processors role handles the events), no deadline fires
 * here, no run request or run report is taken from Kafka. The subscribing processors of the command side and the front door stay.
 */
class ApiOnlyInstanceTest {

    @Test
    void anApiOnlyInstanceClaimsNoSegmentFiresNoDeadlineAndRunsNothing() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SandpodApplication.class)
                .run(
                        "--server.port=0",
                        "--sandpod.data-dir=" + Files.createTempDirectory("sandpod-api-only"),
                        "--sandpod.security.bcrypt.cost=4",
                        "--sandpod.roles=api")) {
            List<EventProcessor> processors = List.copyOf(context.getBean(EventProcessingConfiguration.class)
                    .eventProcessors()
                    .values());
            List<StreamingEventProcessor> streaming = processors.stream()
                    .filter(StreamingEventProcessor.class::isInstance)
                    .map(StreamingEventProcessor.class::cast)
                    .toList();
            assertThat(streaming).extracting(EventProcessor::getName).contains("dispatch-queue", "system-settings");
            assertThat(processors).anyMatch(SubscribingEventProcessor.class::isInstance);
            // Several claim intervals (1 s): a processor that could claim would have claimed by then.
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> streaming.stream()
                            .allMatch(p -> p.processingStatus().isEmpty()));
            assertThat(context.getBeanNamesForType(RunRequestListener.class)).isEmpty();
            assertThat(context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers())
                    .filteredOn(container -> "sandpod-report-handler".equals(container.getGroupId()))
                    .isNotEmpty()
                    .noneMatch(MessageListenerContainer::isRunning);
            assertThat(context.getBeanProvider(BackgroundJobServer.class).stream()
                            .filter(BackgroundJobServer::isRunning))
                    .isEmpty();
        }
    }
}
