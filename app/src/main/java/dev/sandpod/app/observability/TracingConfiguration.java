package dev.sandpod.app.observability;

import io.opentelemetry.api.OpenTelemetry;
import org.axonframework.eventhandling.EventProcessorSpanFactory;
import org.axonframework.tracing.SpanFactory;
import org.axonframework.tracing.opentelemetry.OpenTelemetrySpanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    /**
     * Axon's spans (command dispatch and handling, event publication, event processors, sagas, deadlines) on the
     * same OpenTelemetry SDK that Micrometer Tracing bridges to, so they join the HTTP and Kafka spans of one
     * trace. Axon writes the W3C {@code traceparent} of the current span into every message's metadata and
     * continues from it when a processor or saga handles the message. Axon's own default would use
     * {@code GlobalOpenTelemetry}, which Spring Boot does not set: its spans would go nowhere.
     */
    @Bean
    SpanFactory axonSpanFactory(ObjectProvider<OpenTelemetry> openTelemetry) {
        OpenTelemetry otel = openTelemetry.getIfAvailable(OpenTelemetry::noop);
        return OpenTelemetrySpanFactory.builder()
                .tracer(otel.getTracer("AxonFramework-OpenTelemetry"))
                .contextPropagators(otel.getPropagators().getTextMapPropagator())
                .build();
    }

    /**
     * Axon's event processor spans (autoconfigured from the span factory above) without a span per replayed event:
     * see {@link ReplayedEventsUnobserved}.
     */
    @Bean
    static BeanPostProcessor replayedEventsUntraced() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof EventProcessorSpanFactory spans ? ReplayedEventsUnobserved.spans(spans) : bean;
            }
        };
    }
}
