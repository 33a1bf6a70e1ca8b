package dev.sandpod.sagas.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.WebhookUrls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Posts one delivery attempt to a webhook or Slack, signed: {@code X-Sandpod-Signature: sha256=<hex>} is
 * HMAC-SHA256 under the configured secret over {@code <X-Sandpod-Timestamp>.<body>}, so a receiver can check
 * both origin and freshness. Never throws: every outcome is a {@link Result} for the delivery record.
 *
 * <p>Blocking on purpose: attempts run on the deadline scheduler's worker threads (JobRunr), never on an
 * event processor or the event loop, so a slow receiver delays only its own delivery. Redirects are not
 * followed, and targets in private address ranges are refused unless allowed: a webhook must not become a
 * way into the internal network.
 */
@Component
class WebhookSender implements WebhookClient {

    public static final String SIGNATURE_HEADER = "X-Sandpod-Signature";
    public static final String TIMESTAMP_HEADER = "X-Sandpod-Timestamp";
    public static final String DELIVERY_HEADER = "X-Sandpod-Delivery";
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final NotificationDeliveryProperties properties;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock;

    @Autowired
    WebhookSender(NotificationDeliveryProperties properties) {
        this(properties, Clock.systemUTC());
    }

    WebhookSender(NotificationDeliveryProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.delivery().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Result send(Delivery delivery) {
        String secret = properties.webhookSecret();
        if (secret == null || secret.isBlank()) {
            return Result.refused("No signing secret is configured (sandpod.notifications.webhook-secret)");
        }
        var problem = WebhookUrls.problem(delivery.channel(), delivery.target(), properties.allowInsecureLocalhost());
        if (problem.isPresent()) {
            return Result.refused(problem.get());
        }
        URI uri = URI.create(delivery.target().trim());
        String refusal = privateTargetRefusal(uri.getHost());
        if (refusal != null) {
            return Result.refused(refusal);
        }
        String body;
        try {
            body = json.writeValueAsString(payload(delivery));
        } catch (JsonProcessingException e) {
            return Result.refused("Could not render the payload: " + e.getMessage());
        }
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(properties.delivery().requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Sandpod-Notifications/1")
                .header("X-Sandpod-Event", "notification")
                .header(DELIVERY_HEADER, delivery.deliveryId())
                .header("X-Sandpod-Attempt", Integer.toString(delivery.attempt()))
                .header(TIMESTAMP_HEADER, timestamp)
                .header(SIGNATURE_HEADER, "sha256=" + sign(secret, timestamp + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            return status >= 200 && status < 300 ? Result.ok(status) : Result.failed(status, "HTTP " + status);
        } catch (IOException e) {
            return Result.failed(
                    null, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed(null, "Interrupted");
        }
    }

    /** Generic webhooks get the notification as JSON; Slack gets its incoming-webhook {@code text}. */
    Map<String, Object> payload(Delivery d) {
        Map<String, Object> payload = new LinkedHashMap<>();
        if (d.channel() == NotificationChannel.SLACK) {
            payload.put(
                    "text",
                    "*[" + d.severity().toUpperCase(java.util.Locale.ROOT) + "] " + d.subject() + "*\n" + d.body());
            return payload;
        }
        payload.put("event", "notification");
        payload.put("delivery_id", d.deliveryId());
        payload.put("notification_id", d.notificationId());
        payload.put("user_id", d.userId());
        payload.put("subject", d.subject());
        payload.put("body", d.body());
        payload.put("severity", d.severity());
        payload.put("tags", d.tags());
        payload.put("action_url", d.actionUrl());
        payload.put("attempt", d.attempt());
        return payload;
    }

    public static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private String privateTargetRefusal(String host) {
        if (properties.allowPrivateTargets()) {
            return null;
        }
        boolean localAllowed = properties.allowInsecureLocalhost() && WebhookUrls.isLocal(host);
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLoopbackAddress() && localAllowed) {
                    continue;
                }
                if (address.isLoopbackAddress()
                        || address.isSiteLocalAddress()
                        || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress()
                        || address.isMulticastAddress()
                        || uniqueLocal(address)) {
                    return "The target resolves to a private address";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            log.debug("Webhook host {} does not resolve", host);
            return null; // the attempt fails on connect and is retried: DNS may come back
        }
    }

    /** IPv6 unique local addresses, fc00::/7, which {@link InetAddress} does not classify. */
    private static boolean uniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }
}
