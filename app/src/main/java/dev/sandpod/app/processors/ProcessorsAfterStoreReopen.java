package dev.sandpod.app.processors;

import dev.sandpod.app.embedded.EmbeddedStoreReopens;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Restarts the running event processors after the embedded store was reopened on an error (its {@code
 * StoreWatchdog}), so that each goes on from the token the store has. The reopening loses what the store had not
 * committed yet: read-model, saga and token writes of the last seconds (event-store writes are committed before they
 * are answered). A processor that went on from the position it holds in memory would never handle those events
 * again, and its read model would miss them for good — a run queued in the read model that the queue's model does
 * not know, for instance. Restarted, it claims its segments anew and handles them again from the stored token; its
 * handlers are idempotent (each document keeps the sequence it has seen). A processor an admin paused stays paused.
 */
@Component
class ProcessorsAfterStoreReopen {

    private static final Logger log = LoggerFactory.getLogger(ProcessorsAfterStoreReopen.class);

    private final EventProcessingConfiguration processing;
    private final AtomicLong restarted = new AtomicLong();

    ProcessorsAfterStoreReopen(EventProcessingConfiguration processing, ObjectProvider<EmbeddedStoreReopens> reopens) {
        this.processing = processing;
        reopens.ifAvailable(store -> store.onReopen(this::restartInBackground));
    }

    /** Processors restarted after a reopening since the start. */
    long restarted() {
        return restarted.get();
    }

    private void restartInBackground() {
        // not on the store's watchdog thread: a shutdown waits for the processors' work in progress
        Thread thread = new Thread(this::restartRunning, "processors-after-store-reopen");
        thread.setDaemon(true);
        thread.start();
    }

    private void restartRunning() {
        for (EventProcessor processor : processing.eventProcessors().values()) {
            if (processor instanceof StreamingEventProcessor streaming && streaming.isRunning()) {
                log.warn("The embedded store was reopened: restarting {} from its stored token", processor.getName());
                try {
                    streaming.shutDown();
                    streaming.start();
                    restarted.incrementAndGet();
                } catch (RuntimeException e) {
                    log.error("Restarting {} after the store's reopening failed", processor.getName(), e);
                }
            }
        }
    }
}
