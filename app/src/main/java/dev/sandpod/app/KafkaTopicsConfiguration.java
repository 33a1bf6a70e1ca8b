package dev.sandpod.app;

import dev.sandpod.api.kafka.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
public class KafkaTopicsConfiguration {

    /** Runs of one execution stay in order on one partition (keyed by execution id); partitions bound executor scale-out. */
    private static final int PARTITIONS = 4;
    /** A finished run carries up to 2 × 1 MiB of output, more than Kafka's 1 MB default. */
    private static final String MAX_MESSAGE_BYTES = String.valueOf(10 * 1024 * 1024);

    @Bean
    NewTopic runRequestsTopic() {
        return TopicBuilder.name(Topics.RUN_REQUESTS)
                .partitions(PARTITIONS)
                .replicas(1)
                .config("max.message.bytes", MAX_MESSAGE_BYTES)
                .build();
    }

    @Bean
    NewTopic runReportsTopic() {
        return TopicBuilder.name(Topics.RUN_REPORTS)
                .partitions(PARTITIONS)
                .replicas(1)
                .config("max.message.bytes", MAX_MESSAGE_BYTES)
                .build();
    }

    /** One small record per execution, kept until its execution's requests can no longer come back. */
    @Bean
    NewTopic runClaimsTopic() {
        return TopicBuilder.name(Topics.RUN_CLAIMS)
                .partitions(PARTITIONS)
                .replicas(1)
                .config("cleanup.policy", "compact,delete")
                .config(
                        "retention.ms",
                        String.valueOf(java.time.Duration.ofDays(7).toMillis()))
                .build();
    }
}
