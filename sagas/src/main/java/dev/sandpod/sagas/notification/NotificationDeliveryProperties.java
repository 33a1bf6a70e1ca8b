package dev.sandpod.sagas.notification;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param webhookSecret          HMAC-SHA256 key for the signature header of webhook and Slack posts. Only the
 *                               embedded profile ships one; without it nothing is posted (deliveries fail).
 * @param allowInsecureLocalhost accept {@code http://127.0.0.1}/{@code localhost} targets (tests, embedded)
 * @param allowPrivateTargets    post to addresses in private, link-local or loopback ranges (off: a webhook
 *                               must not become a way into the internal network)
 * @param throttle               at most {@code maxPerWindow} notifications per user and severity per window
 * @param delivery               retries with exponential backoff, and the HTTP timeouts of each attempt
 */
@ConfigurationProperties("sandpod.notifications")
record NotificationDeliveryProperties(
        String webhookSecret,
        @DefaultValue("false") boolean allowInsecureLocalhost,
        @DefaultValue("false") boolean allowPrivateTargets,
        @DefaultValue Throttle throttle,
        @DefaultValue Delivery delivery) {

    record Throttle(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5") int maxPerWindow,
            @DefaultValue("1h") Duration window) {}

    record Delivery(
            @DefaultValue("5") int maxAttempts,
            @DefaultValue("30s") Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("30m") Duration maxBackoff,
            @DefaultValue("3s") Duration connectTimeout,
            @DefaultValue("10s") Duration requestTimeout) {}
}
