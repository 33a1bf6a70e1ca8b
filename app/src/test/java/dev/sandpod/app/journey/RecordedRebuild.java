package dev.sandpod.app.journey;

import static org.awaitility.Awaitility.await;

import dev.sandpod.query.operations.ProcessorOperations;
import dev.sandpod.query.operations.ProcessorStore;
import java.time.Duration;
import java.time.Instant;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A rebuild of a read model recorded as running, as the instance doing one records it for every instance, without
 * replaying anything: what the processors that act on read models see while one is rebuilt.
 */
final class RecordedRebuild implements AutoCloseable {

    private final ProcessorStore processors;
    private final String processor;
    private final Instant start = Instant.now();

    /** Returns once this instance's operations tick has seen it. */
    RecordedRebuild(ConfigurableApplicationContext running, String processor) {
        this.processors = running.getBean(ProcessorStore.class);
        this.processor = processor;
        processors.rebuildStarted(processor, new ProcessorStore.Rebuild(start, Long.MAX_VALUE, null, null, "test"));
        ProcessorOperations operations = running.getBean(ProcessorOperations.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> operations.replaying().contains(processor));
    }

    /** Records it ended. */
    @Override
    public void close() {
        processors.rebuildEnded(processor, start, Instant.now(), "ended by the test");
    }
}
