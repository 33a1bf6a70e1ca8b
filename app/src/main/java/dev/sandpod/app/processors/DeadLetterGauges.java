package dev.sandpod.app.processors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code sandpod_processor_dead_letters{processor=…}}: the events parked in each projection's dead-letter
 * queue (the size the processor list shows), read at scrape time — one count per queue and scrape. An alert
 * on it going above zero is how an operator learns that a handler fails, since the processor itself keeps
 * running (docs/architecture.md, Operations).
 */
@Component
class DeadLetterGauges implements MeterBinder {

    static final String NAME = "sandpod.processor.dead.letters";

    private final ObjectProvider<EventProcessingConfiguration> processing;

    DeadLetterGauges(ObjectProvider<EventProcessingConfiguration> processing) {
        this.processing = processing;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String group : DeadLetterConfiguration.PROCESSING_GROUPS) {
            Gauge.builder(NAME, () -> size(group))
                    .description("Events parked in the processor's dead-letter queue")
                    .tag("processor", group)
                    .register(registry);
        }
    }

    private double size(String group) {
        try {
            return processing
                    .getObject()
                    .deadLetterQueue(group)
                    .map(SequencedDeadLetterQueue::size)
                    .orElse(0L);
        } catch (RuntimeException e) {
            // the store is unreachable or closing: no reading rather than a failed scrape
            return Double.NaN;
        }
    }
}
