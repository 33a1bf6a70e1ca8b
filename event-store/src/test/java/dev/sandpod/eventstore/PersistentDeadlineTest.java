package dev.sandpod.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.eventstore.DeadlineProbeSaga.ProbeDeadline;
import dev.sandpod.eventstore.DeadlineProbeSaga.ProbeStartedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.jobrunr.JobRunrDeadlineManager;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

class PersistentDeadlineTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    // Due 5 s after scheduling, plus up to one 5 s JobRunr poll, plus the restart itself.
    private static final Duration FIRING = Duration.ofSeconds(40);

    @TempDir
    Path dataDir;

    @Test
    void aDeadlinePendingWhenTheApplicationStopsFiresAfterTheRestart() {
        String probeId = UUID.randomUUID().toString();
        FiredDeadlines firedBeforeRestart;
        try (ConfigurableApplicationContext context = start()) {
            firedBeforeRestart = context.getBean(FiredDeadlines.class);
            assertThat(context.getBean(DeadlineManager.class)).isInstanceOf(JobRunrDeadlineManager.class);
            PooledStreamingEventProcessor sagaProcessor = sagaProcessor(context);
            // Saga processors start at the head of the stream: publish only once it holds its segments.
            await().atMost(STARTUP)
                    .until(() -> !sagaProcessor.processingStatus().isEmpty());

            context.getBean(EventGateway.class).publish(new ProbeStartedEvent(probeId));

            StorageProvider jobs = context.getBean(StorageProvider.class);
            await().atMost(STARTUP).until(() -> jobs.countJobs(StateName.SCHEDULED) == 1);
        }
        assertThat(firedBeforeRestart.fired())
                .as("the deadline fired before the first context had closed")
                .isEmpty();

        try (ConfigurableApplicationContext context = start()) {
            FiredDeadlines fired = context.getBean(FiredDeadlines.class);
            await().atMost(FIRING).until(() -> fired.fired().containsKey(probeId));
            assertThat(fired.fired()).containsEntry(probeId, new ProbeDeadline(probeId));
            StorageProvider jobs = context.getBean(StorageProvider.class);
            await().atMost(STARTUP).until(() -> jobs.countJobs(StateName.SUCCEEDED) == 1);
        }
    }

    private ConfigurableApplicationContext start() {
        return AxonTestApplication.start(dataDir, DeadlineProbeSaga.class, FiredDeadlines.class);
    }

    private static PooledStreamingEventProcessor sagaProcessor(ConfigurableApplicationContext context) {
        EventProcessingConfiguration processing = context.getBean(EventProcessingConfiguration.class);
        String name = processing.sagaProcessingGroup(DeadlineProbeSaga.class);
        return processing
                .eventProcessor(name, PooledStreamingEventProcessor.class)
                .orElseThrow(() -> new AssertionError("the saga processor is not pooled streaming"));
    }
}
