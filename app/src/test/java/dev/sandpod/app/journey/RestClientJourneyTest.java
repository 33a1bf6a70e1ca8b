package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A REST client (a CI job, a grader) as a first-class user: a personal access token sent as
 * {@code Authorization: Bearer}, plain HTTP with no cookie jar and no CSRF header, as {@code curl} sends it.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.execution.timeout-seconds=10",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
class RestClientJourneyTest {

    private static final AtomicInteger USERS = new AtomicInteger();
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A plain HTTP call, as curl makes it: no cookies unless given, no CSRF header. */
    ApiSession.Reply call(String method, String path, String bearer, Object body) {
        try {
            var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(ApiSession.JSON.writeValueAsString(body)));
            if (body != null) {
                builder.header("Content-Type", "application/json");
            }
            if (bearer != null) {
                builder.header("Authorization", "Bearer " + bearer);
            }
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiSession.Reply(response.statusCode(), ApiSession.parse(response.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiSession newUser() {
        return ApiSession.register(port, "rest" + USERS.incrementAndGet() + "x" + System.nanoTime() % 100_000);
    }

    static String token(ApiSession session, Map<String, Object> request) {
        ApiSession.Reply created = session.post("/api/v1/user/tokens", request);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.body().get("token").asText();
    }

    /** Waits for the run to end by polling its result over the token, as a script without SSE would. */
    JsonNode awaitResult(String bearer, String executionId) {
        JsonNode[] result = new JsonNode[1];
        await().atMost(RUN_LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            ApiSession.Reply reply = call("GET", "/api/v1/executions/" + executionId + "/result", bearer, null);
            result[0] = reply.body();
            return reply.status() == 200
                    && List.of("completed", "failed", "timeout", "cancelled", "error")
                            .contains(reply.body().get("status").asText());
        });
        return result[0];
    }

    @Test
    void anExecuteTokenRunsAScriptOverPlainHttpButNotAdminRoutesAndNotAfterRevocation() {
        ApiSession session = newUser();
        ApiSession.Reply created =
                session.post("/api/v1/user/tokens", Map.of("name", "ci job", "scopes", List.of("execute")));
        assertThat(created.status()).isEqualTo(201);
        String token = created.body().get("token").asText();
        String tokenId = created.body().get("token_id").asText();
        assertThat(token).startsWith("sp_" + tokenId + ".");
        assertThat(created.body().get("scopes")).hasSize(1);

        ApiSession.Reply run =
                call("POST", "/api/v1/execute", token, Map.of("script", "print('via token')", "lang", "python"));
        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        String executionId = run.body().get("execution_id").asText();
        JsonNode result = awaitResult(token, executionId);
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.get("stdout").asText()).isEqualTo("via token\n");

        // the audit trail names the token (never its secret) and where the request came from
        ApiSession.Reply events = call("GET", "/api/v1/executions/" + executionId + "/events", token, null);
        assertThat(events.status()).isEqualTo(200);
        JsonNode requested = events.body().get(0);
        assertThat(requested.get("metadata").get("token_id").asText()).isEqualTo(tokenId);
        assertThat(requested.get("metadata").get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(events.body().toString()).doesNotContain(token.substring(token.indexOf('.') + 1));

        // out of scope: admin routes, other reads, token management
        assertThat(call("GET", "/api/v1/admin/users", token, null).status()).isEqualTo(403);
        assertThat(call("GET", "/api/v1/user/settings", token, null).status()).isEqualTo(403);
        assertThat(call("GET", "/api/v1/user/tokens", token, null).status()).isEqualTo(403);
        assertThat(call("POST", "/api/v1/user/tokens", token, Map.of("name", "x", "scopes", List.of("execute")))
                        .status())
                .isEqualTo(403);

        // listed to its owner without the secret
        ApiSession.Reply listed = session.get("/api/v1/user/tokens");
        assertThat(listed.body().get("tokens")).hasSize(1);
        assertThat(listed.body().get("tokens").get(0).get("token_id").asText()).isEqualTo(tokenId);
        assertThat(listed.body().toString()).doesNotContain(token);

        assertThat(session.delete("/api/v1/user/tokens/" + tokenId).status()).isEqualTo(204);
        ApiSession.Reply after = call("GET", "/api/v1/executions/" + executionId + "/result", token, null);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.body().get("type").asText()).isEqualTo("Unauthorized");
        assertThat(session.get("/api/v1/user/tokens").body().get("tokens")).isEmpty();
        assertThat(session.delete("/api/v1/user/tokens/" + tokenId).status()).isEqualTo(404);
    }

    @Test
    void creatingAndRevokingAreEventsOfTheAccountWithoutTheSecret() {
        ApiSession session = newUser();
        String userId = session.get("/api/v1/auth/me").body().get("user_id").asText();
        ApiSession.Reply created =
                session.post("/api/v1/user/tokens", Map.of("name", "grader", "scopes", List.of("read", "scripts")));
        String token = created.body().get("token").asText();
        session.delete("/api/v1/user/tokens/" + created.body().get("token_id").asText());

        ApiSession.Reply history = session.get("/api/v1/audit/aggregates/user/" + userId + "/events");
        assertThat(history.status()).as(history.toString()).isEqualTo(200);
        String text = history.body().toString();
        assertThat(text).contains("access_token_created", "access_token_revoked", "grader");
        assertThat(text).doesNotContain(token).doesNotContain(token.substring(token.indexOf('.') + 1));
    }

    @Test
    void badTokenRequestsAreRefusedClearly() {
        ApiSession session = newUser();
        ApiSession.Reply admin = session.post("/api/v1/user/tokens", Map.of("name", "x", "scopes", List.of("admin")));
        assertThat(admin.status()).isEqualTo(403);
        ApiSession.Reply unknown =
                session.post("/api/v1/user/tokens", Map.of("name", "x", "scopes", List.of("everything")));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().get("detail").toString()).contains("everything");
        ApiSession.Reply past = session.post(
                "/api/v1/user/tokens",
                Map.of("name", "x", "scopes", List.of("read"), "expires_at", "2000-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(422);
        assertThat(call("GET", "/api/v1/user/executions", "sp_forged.secret", null)
                        .status())
                .isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsRefusedAtOnce() {
        ApiSession session = newUser();
        String token = token(
                session,
                Map.of(
                        "name",
                        "short",
                        "scopes",
                        List.of("read"),
                        "expires_at",
                        Instant.now().plusSeconds(2).toString()));
        assertThat(call("GET", "/api/v1/user/executions", token, null).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call("GET", "/api/v1/user/executions", token, null).status() == 401);
    }

    @Test
    void anAdminTokenWithTheAdminScopeReadsAdminRoutesAndOneWithoutDoesNot() {
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        String full = token(admin, Map.of("name", "ops", "scopes", List.of("admin")));
        String readOnly = token(admin, Map.of("name", "ops-read", "scopes", List.of("read")));
        assertThat(call("GET", "/api/v1/admin/users", full, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/admin/users", readOnly, null).status()).isEqualTo(403);
    }
}
