package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;

/** Headers on every response, the request size limit, CORS and the actuator guard. */
@FrontDoorTest
class ResponseHardeningTest {

    @LocalServerPort
    int port;

    private static void hardened(Client.Reply reply) {
        assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(reply.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(reply.header("Referrer-Policy")).isEqualTo("strict-origin-when-cross-origin");
        String csp = reply.header("Content-Security-Policy");
        assertThat(csp)
                .contains(
                        "default-src 'self'",
                        "script-src 'self';",
                        "object-src 'none'",
                        "frame-ancestors 'none'",
                        "base-uri 'self'");
        assertThat(reply.header("Strict-Transport-Security")).as("plain HTTP").isNull();
    }

    @Test
    void everyKindOfResponseCarriesTheHardeningHeaders() {
        Client anonymous = Client.anonymous(port, Accounts.address());
        Client user = Accounts.user(port, "headers");

        hardened(anonymous.get("/api/v1/health/live"));
        hardened(anonymous.get("/api/v1/auth/me"));
        hardened(anonymous.get("/api/v1/no-such-route"));
        hardened(anonymous.get("/"));
        hardened(anonymous.get("/editor"));
        hardened(anonymous.send("DELETE", "/api/v1/k8s-limits", null));
        hardened(user.get("/api/v1/user/executions"));
        hardened(user.post("/api/v1/execute", Map.of("script", 42)));
        hardened(user.send("POST", "/api/v1/execute", "{not json".getBytes()));
    }

    @Test
    void hstsIsSentWhenServedOverTlsThroughATrustedProxy() {
        Client.Reply reply = Client.anonymous(port, Accounts.address())
                .send("GET", "/api/v1/health/live", null, Map.of("X-Forwarded-Proto", "https"));
        assertThat(reply.header("Strict-Transport-Security")).startsWith("max-age=31536000");
    }

    @Test
    void aBodyAboveTenMegabytesIs413AtOnceFromItsLength() {
        Client user = Accounts.user(port, "big");
        byte[] body = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(body, (byte) ' ');

        Client.Reply reply = user.send("POST", "/api/v1/execute", body);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body().get("type").asText()).isEqualTo("PayloadTooLarge");
        hardened(reply);
    }

    @Test
    void aStreamedBodyWithoutLengthIs413OnceItPassesTenMegabytes() {
        Client user = Accounts.user(port, "chunked");
        Flux<DataBuffer> chunks = Flux.range(0, 12 * 16)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(
                        " ".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8)));

        var reply = Client.web(port)
                .post()
                .uri("/api/v1/execute")
                .cookie("access_token", user.accessToken())
                .cookie("csrf_token", user.csrfToken())
                .header("X-CSRF-Token", user.csrfToken())
                .contentType(MediaType.APPLICATION_JSON)
                .body(chunks, DataBuffer.class)
                .exchangeToMono(
                        r -> r.bodyToMono(String.class).map(b -> r.statusCode().value() + " " + b))
                .block(Duration.ofSeconds(30));

        assertThat(reply).startsWith("413 ").contains("\"detail\"");
    }

    @Test
    void aBodyJustBelowTheLimitIsReadAndJudgedOnItsContent() {
        Client user = Accounts.user(port, "below");
        byte[] body = ("{\"script\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(user.send("POST", "/api/v1/execute", body).status()).isEqualTo(422);
    }

    @Test
    void crossOriginCallsFromUnknownOriginsAreRefusedAndTheSameOriginPasses() {
        Client user = Accounts.user(port, "cors");

        Client.Reply foreign =
                user.send("GET", "/api/v1/user/executions", null, Map.of("Origin", "https://evil.example"));
        Client.Reply preflight = Client.anonymous(port, Accounts.address())
                .send(
                        "OPTIONS",
                        "/api/v1/execute",
                        null,
                        Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
        Client.Reply same =
                user.send("GET", "/api/v1/user/executions", null, Map.of("Origin", "http://127.0.0.1:" + port));

        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body().get("detail").asText()).isNotBlank();
        assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.status()).isEqualTo(403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(same.status()).isEqualTo(200);
    }

    @Test
    void actuatorEndpointsBeyondHealthAnswerOnlyAdminsAndTheScrapeToken() {
        Client anonymous = Client.anonymous(port, Accounts.address());
        Client user = Accounts.user(port, "peeker");
        Client admin = Accounts.admin(port, "operator");
        Map<String, String> token = Map.of("Authorization", "Bearer " + FrontDoorTest.SCRAPE_TOKEN);
        Map<String, String> wrongToken = Map.of("Authorization", "Bearer " + FrontDoorTest.SCRAPE_TOKEN + "x");

        // open without a session (its verdict on the dependencies is another matter)
        assertThat(anonymous.get("/actuator/health").status()).isIn(200, 503);
        for (String path : List.of("/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator")) {
            assertThat(anonymous.get(path).status()).as("anonymous %s", path).isEqualTo(401);
            assertThat(user.get(path).status()).as("a user: %s", path).isEqualTo(403);
            assertThat(admin.get(path).status()).as("an admin: %s", path).isEqualTo(200);
        }
        Client.Reply denied = anonymous.get("/actuator/prometheus");
        assertThat(denied.body().get("type").asText()).isEqualTo("Unauthorized");

        Client.Reply scraped = anonymous.send("GET", "/actuator/prometheus", null, token);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.raw()).contains("jvm_memory_used_bytes");
        assertThat(anonymous
                        .send("GET", "/actuator/metrics/jvm.memory.used", null, token)
                        .status())
                .isEqualTo(200);
        Client.Reply wrong = anonymous.send("GET", "/actuator/prometheus", null, wrongToken);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.raw()).doesNotContain(FrontDoorTest.SCRAPE_TOKEN);
        // the token reads metrics, nothing else
        assertThat(anonymous.send("GET", "/actuator", null, token).status()).isEqualTo(401);
        assertThat(anonymous.send("GET", "/api/v1/auth/me", null, token).status())
                .isEqualTo(401);
    }

    @Test
    void aLoginFormWithABrokenPercentEscapeIsTheClientsError() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/auth/login"))
                .header("Content-Type", MediaType.APPLICATION_FORM_URLENCODED_VALUE)
                .header("X-Forwarded-For", Accounts.address())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=%ZZ&password=x"))
                .build();
        var reply = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(422);
        assertThat(Client.parse(reply.body()).get("detail").toString()).contains("form");
    }

    @Test
    void aListFilterParameterWithoutAValueMeansNoFilter() {
        Client user = Accounts.user(port, "bare-filter");

        Client.Reply notifications = user.get("/api/v1/notifications/?include_tags=a&include_tags&exclude_tags");

        assertThat(notifications.status()).isEqualTo(200);
        assertThat(notifications.body().get("notifications").isArray()).isTrue();
    }
}
