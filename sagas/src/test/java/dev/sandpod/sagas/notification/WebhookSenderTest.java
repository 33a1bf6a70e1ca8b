package dev.sandpod.sagas.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sandpod.api.notification.NotificationChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a real HTTP server on the loopback interface. */
class WebhookSenderTest {

    private static final String SECRET = "test-secret";
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final Map<String, String> headers = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                body.set(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private static WebhookSender sender(String secret, boolean allowLocal) {
        var properties = new NotificationDeliveryProperties(
                secret,
                allowLocal,
                false,
                new NotificationDeliveryProperties.Throttle(false, 5, Duration.ofHours(1)),
                new NotificationDeliveryProperties.Delivery(
                        3,
                        Duration.ofSeconds(1),
                        2.0,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5)));
        return new WebhookSender(properties, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private WebhookClient.Delivery delivery(NotificationChannel channel, String target) {
        return new WebhookClient.Delivery(
                "n-1:webhook",
                "n-1",
                "user-1",
                channel,
                target,
                "Execution completed",
                "Your run finished.",
                "/editor?execution=e-1",
                "medium",
                List.of("execution"),
                2);
    }

    @Test
    void aPostCarriesTheNotificationAndAnHmacSignatureOverTimestampAndBody() {
        WebhookClient.Result result = sender(SECRET, true).send(delivery(NotificationChannel.WEBHOOK, url()));

        assertThat(result.delivered()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(headers.get("x-sandpod-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(headers.get("x-sandpod-signature"))
                .isEqualTo("sha256=" + WebhookSender.sign(SECRET, NOW.getEpochSecond() + "." + body.get()));
        assertThat(headers.get("x-sandpod-delivery")).isEqualTo("n-1:webhook");
        assertThat(headers.get("content-type")).isEqualTo("application/json");
        assertThat(body.get())
                .contains("\"notification_id\":\"n-1\"")
                .contains("\"subject\":\"Execution completed\"")
                .contains("\"attempt\":2");
    }

    @Test
    void theSignatureIsHmacSha256InHex() {
        // RFC 4231 test case 2
        assertThat(WebhookSender.sign("Jefe", "what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void anErrorStatusIsAFailureWorthRetrying() {
        status.set(500);

        WebhookClient.Result result = sender(SECRET, true).send(delivery(NotificationChannel.WEBHOOK, url()));

        assertThat(result.delivered()).isFalse();
        assertThat(result.permanent()).isFalse();
        assertThat(result.statusCode()).isEqualTo(500);
        assertThat(result.error()).isEqualTo("HTTP 500");
    }

    @Test
    void anUnreachableReceiverIsAFailureWorthRetrying() {
        server.stop(0);

        WebhookClient.Result result = sender(SECRET, true).send(delivery(NotificationChannel.WEBHOOK, url()));

        assertThat(result.delivered()).isFalse();
        assertThat(result.permanent()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(result.error()).contains("ConnectException");
    }

    @Test
    void nothingIsPostedUnsignedOrToTargetsThatAreNotAllowed() {
        assertThat(sender(null, true)
                        .send(delivery(NotificationChannel.WEBHOOK, url()))
                        .permanent())
                .isTrue();
        assertThat(sender(SECRET, false)
                        .send(delivery(NotificationChannel.WEBHOOK, url()))
                        .permanent())
                .isTrue();
        assertThat(sender(SECRET, false)
                        .send(delivery(NotificationChannel.WEBHOOK, "https://10.1.2.3/hook"))
                        .error())
                .isEqualTo("The target resolves to a private address");
        assertThat(sender(SECRET, false)
                        .send(delivery(NotificationChannel.WEBHOOK, "https://127.0.0.1/hook"))
                        .permanent())
                .isTrue();
        assertThat(sender(SECRET, true)
                        .send(delivery(NotificationChannel.SLACK, url()))
                        .permanent())
                .isTrue();
        assertThat(body.get()).isNull();
    }

    @Test
    void slackGetsItsIncomingWebhookText() {
        var slack = delivery(NotificationChannel.SLACK, "https://hooks.slack.com/services/T/B/X");

        Map<String, Object> payload = sender(SECRET, false).payload(slack);

        assertThat(payload).containsOnlyKeys("text");
        assertThat((String) payload.get("text")).isEqualTo("*[MEDIUM] Execution completed*\nYour run finished.");
    }
}
