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

    /** Submits over the token and waits for the result. */
    JsonNode runToEnd(String bearer, Map<String, Object> submission) {
        ApiSession.Reply run = call("POST", "/api/v1/execute", bearer, submission);
        assertThat(run.status()).as(run.toString()).isEqualTo(200);
        return awaitResult(bearer, run.body().get("execution_id").asText());
    }

    @Test
    void aPythonScriptReadsTwoStdinLinesItsArgsAndAHelperModuleFromFiles() {
        String token = token(newUser(), Map.of("name", "grader", "scopes", List.of("execute")));
        String script = "import sys, helper\n"
                + "first = sys.stdin.readline().strip()\nsecond = sys.stdin.readline().strip()\n"
                + "print(helper.greet(first), helper.greet(second), sys.argv[1:])\n";
        JsonNode result = runToEnd(
                token,
                Map.of(
                        "script",
                        script,
                        "lang",
                        "python",
                        "stdin",
                        "alpha\nbeta\n",
                        "args",
                        List.of("x", "y z", "it's"),
                        "files",
                        List.of(Map.of("name", "helper.py", "content", "def greet(n):\n    return 'hi ' + n\n"))));
        assertThat(result.get("stderr").asText()).isEmpty();
        assertThat(result.get("stdout").asText()).isEqualTo("hi alpha hi beta ['x', 'y z', \"it's\"]\n");
        assertThat(result.get("status").asText()).isEqualTo("completed");
    }

    @Test
    void aGoAndANodeProgramWithTwoFilesBuildAndRun() {
        String token = token(newUser(), Map.of("name", "ci", "scopes", List.of("execute")));
        JsonNode go = runToEnd(
                token,
                Map.of(
                        "script", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(double(21)) }\n",
                        "lang", "go",
                        "lang_version", "1.19",
                        "files",
                                List.of(Map.of(
                                        "name",
                                        "util.go",
                                        "content",
                                        "package main\n\nfunc double(n int) int { return 2 * n }\n"))));
        assertThat(go.get("stderr").asText()).isEmpty();
        assertThat(go.get("stdout").asText()).isEqualTo("42\n");
        JsonNode node = runToEnd(
                token,
                Map.of(
                        "script",
                                "const { add } = require('./lib');\nconsole.log(add(2, 3), process.argv.slice(2).join(','));\n",
                        "lang", "node",
                        "lang_version", "20",
                        "args", List.of("p", "q"),
                        "files", List.of(Map.of("name", "lib.js", "content", "exports.add = (a, b) => a + b;\n"))));
        assertThat(node.get("stderr").asText()).isEmpty();
        assertThat(node.get("stdout").asText()).isEqualTo("5 p,q\n");
    }

    @Test
    void expectedOutputMarksAMatchingAndANonMatchingRunWithoutChangingTheStatus() {
        String token = token(newUser(), Map.of("name", "grader", "scopes", List.of("execute")));
        JsonNode exact = runToEnd(token, Map.of("script", "print('42')", "expected_output", "42\n"));
        assertThat(exact.get("output_match").get("exact").asBoolean()).isTrue();
        assertThat(exact.get("output_match").get("trimmed").asBoolean()).isTrue();
        JsonNode trailing = runToEnd(token, Map.of("script", "print('42  ')\nprint()", "expected_output", "42"));
        assertThat(trailing.get("output_match").get("exact").asBoolean()).isFalse();
        assertThat(trailing.get("output_match").get("trimmed").asBoolean()).isTrue();
        JsonNode wrong = runToEnd(token, Map.of("script", "print('41')", "expected_output", "42\n"));
        assertThat(wrong.get("status").asText()).isEqualTo("completed");
        assertThat(wrong.get("output_match").get("exact").asBoolean()).isFalse();
        assertThat(wrong.get("output_match").get("trimmed").asBoolean()).isFalse();
        JsonNode none = runToEnd(token, Map.of("script", "print('41')"));
        assertThat(none.get("output_match").isNull()).isTrue();
    }

    @Test
    void aRetryReplaysTheStoredInputs() {
        ApiSession session = newUser();
        String token = token(session, Map.of("name", "ci", "scopes", List.of("execute")));
        ApiSession.Reply run = call(
                "POST",
                "/api/v1/execute",
                token,
                Map.of(
                        "script",
                        "import sys, h\nprint(sys.stdin.read().strip(), sys.argv[1], h.V)",
                        "stdin",
                        "fed",
                        "args",
                        List.of("arg"),
                        "files",
                        List.of(Map.of("name", "h.py", "content", "V = 7"))));
        String first = run.body().get("execution_id").asText();
        assertThat(awaitResult(token, first).get("stdout").asText()).isEqualTo("fed arg 7\n");
        ApiSession.Reply retry = call("POST", "/api/v1/executions/" + first + "/retry", token, null);
        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
        String second = retry.body().get("execution_id").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(awaitResult(token, second).get("stdout").asText()).isEqualTo("fed arg 7\n");
    }

    @Test
    void hostileInputsThroughTheNewFieldsAreRefusedWithA422() {
        String token = token(newUser(), Map.of("name", "ci", "scopes", List.of("execute")));
        List<Map<String, Object>> manyFiles = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            manyFiles.add(Map.of("name", "f" + i + ".txt", "content", "x"));
        }
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("huge stdin", Map.of("script", "print(1)", "stdin", "x".repeat(600 * 1024)));
        cases.put("10 000 files", Map.of("script", "print(1)", "files", manyFiles));
        cases.put(
                "../ name",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "../evil.py", "content", "x"))));
        cases.put("dot-dot", Map.of("script", "print(1)", "files", List.of(Map.of("name", "..", "content", "x"))));
        cases.put(
                "a directory",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "a/b.py", "content", "x"))));
        cases.put(
                "a hidden file",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", ".bashrc", "content", "x"))));
        cases.put(
                "a control character",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "a\u0007b", "content", "x"))));
        cases.put(
                "NUL in a name",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "a\u0000b", "content", "x"))));
        cases.put(
                "the main file",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "main.py", "content", "x"))));
        cases.put(
                "a symlink",
                Map.of("script", "print(1)", "files", List.of(Map.of("name", "link", "symlink", "/etc/passwd"))));
        cases.put(
                "a symlink beside content",
                Map.of(
                        "script",
                        "print(1)",
                        "files",
                        List.of(Map.of("name", "link", "content", "", "link_target", "/etc/passwd"))));
        cases.put("too many args", Map.of("script", "print(1)", "args", java.util.Collections.nCopies(65, "a")));
        cases.put("NUL in stdin", Map.of("script", "print(1)", "stdin", "a\u0000b"));
        cases.forEach((name, body) -> {
            ApiSession.Reply reply = call("POST", "/api/v1/execute", token, body);
            assertThat(reply.status()).as(name + ": " + reply).isEqualTo(422);
            assertThat(reply.body().has("detail")).as(name).isTrue();
            assertThat(reply.body().get("type").asText()).as(name).endsWith("ValidationError");
        });
        // and the app is still serving runs
        assertThat(runToEnd(token, Map.of("script", "print('still here')"))
                        .get("stdout")
                        .asText())
                .isEqualTo("still here\n");
    }

    @Test
    void waitTrueAnswersTheFinishedResultOrA202WithTheId() {
        String token = token(newUser(), Map.of("name", "ci", "scopes", List.of("execute")));
        ApiSession.Reply quick = call(
                "POST",
                "/api/v1/execute?wait=true",
                token,
                Map.of("script", "import time\ntime.sleep(0.1)\nprint('done')"));
        assertThat(quick.status()).as(quick.toString()).isEqualTo(200);
        assertThat(quick.body().get("status").asText()).isEqualTo("completed");
        assertThat(quick.body().get("stdout").asText()).isEqualTo("done\n");
        assertThat(quick.body().get("resource_usage").get("clk_tck_hertz").asInt())
                .isPositive();
        assertThat(quick.body().get("execution_id").asText()).isNotBlank();

        long started = System.nanoTime();
        ApiSession.Reply slow = call(
                "POST",
                "/api/v1/execute?wait=true&wait_seconds=1",
                token,
                Map.of("script", "import time\ntime.sleep(6)\nprint('late')"));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(slow.status()).as(slow.toString()).isEqualTo(202);
        assertThat(slow.body().get("execution_id").asText()).isNotBlank();
        assertThat(slow.body().get("status").asText()).isIn("queued", "scheduled", "running");
        assertThat(slow.body().has("stdout")).isFalse();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(awaitResult(token, slow.body().get("execution_id").asText())
                        .get("stdout")
                        .asText())
                .isEqualTo("late\n");

        assertThat(call("POST", "/api/v1/execute?wait=true&wait_seconds=31", token, Map.of("script", "print(1)"))
                        .status())
                .isEqualTo(422);
        assertThat(call("POST", "/api/v1/execute?wait=maybe", token, Map.of("script", "print(1)"))
                        .status())
                .isEqualTo(422);
    }

    @Test
    void aBatchOfTwentyGetsTwentyIdsInOrderRunsAtMostFiveAtOnceAndReadsBackInOneCall() {
        ApiSession session = newUser();
        String token = token(session, Map.of("name", "grader", "scopes", List.of("execute")));
        List<Map<String, Object>> submissions = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            submissions.add(Map.of(
                    "script",
                    "import sys, time\ntime.sleep(0.3)\nprint(int(sys.stdin.read()) * 2)",
                    "stdin",
                    Integer.toString(i),
                    "expected_output",
                    (i * 2) + "\n"));
        }
        ApiSession.Reply batch = call("POST", "/api/v1/executions/batch", token, Map.of("submissions", submissions));
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(batch.body().get("executions")).hasSize(20);
        List<String> ids = new java.util.ArrayList<>();
        batch.body()
                .get("executions")
                .forEach(e -> ids.add(e.get("execution_id").asText()));
        assertThat(new java.util.HashSet<>(ids)).hasSize(20);

        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    JsonNode all = call("GET", "/api/v1/executions?ids=" + String.join(",", ids), token, null)
                            .body()
                            .get("executions");
                    int done = 0;
                    for (JsonNode e : all) {
                        done += List.of("completed", "failed", "timeout", "cancelled", "error")
                                        .contains(e.get("status").asText())
                                ? 1
                                : 0;
                    }
                    return done == 20;
                });

        ApiSession.Reply grouped =
                call("GET", "/api/v1/executions?ids=" + String.join(",", ids) + ",not-an-id", token, null);
        assertThat(grouped.status()).as(grouped.toString()).isEqualTo(200);
        JsonNode results = grouped.body().get("executions");
        assertThat(results).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(results.get(i).get("execution_id").asText()).isEqualTo(ids.get(i));
            assertThat(results.get(i).get("stdout").asText()).isEqualTo((i * 2) + "\n");
            assertThat(results.get(i).get("output_match").get("exact").asBoolean())
                    .isTrue();
        }
        assertThat(grouped.body().get("missing")).hasSize(1);

        // the per-user cap held: from request to stored result, never more than 5 of them at once
        List<long[]> edges = new java.util.ArrayList<>();
        for (JsonNode r : results) {
            edges.add(new long[] {Instant.parse(r.get("created_at").asText()).toEpochMilli(), 1});
            edges.add(new long[] {Instant.parse(r.get("updated_at").asText()).toEpochMilli(), -1});
        }
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int active = 0;
        int most = 0;
        for (long[] edge : edges) {
            active += (int) edge[1];
            most = Math.max(most, active);
        }
        assertThat(most).as("most runs of the batch active at once").isBetween(1, 5);

        // another user's ids are missing, never shown
        String stranger = token(newUser(), Map.of("name", "x", "scopes", List.of("read")));
        ApiSession.Reply theirs = call("GET", "/api/v1/executions?ids=" + ids.get(0), stranger, null);
        assertThat(theirs.body().get("executions")).isEmpty();
        assertThat(theirs.body().get("missing")).hasSize(1);
    }

    @Test
    void aBatchWithOneBadSubmissionIsRefusedWhole() {
        ApiSession session = newUser();
        String token = token(session, Map.of("name", "ci", "scopes", List.of("execute")));
        ApiSession.Reply refused = call(
                "POST",
                "/api/v1/executions/batch",
                token,
                Map.of(
                        "submissions",
                        List.of(
                                Map.of("script", "print(1)"),
                                Map.of(
                                        "script",
                                        "print(2)",
                                        "files",
                                        List.of(Map.of("name", "../x", "content", ""))))));
        assertThat(refused.status()).isEqualTo(422);
        List<Map<String, Object>> tooMany = java.util.Collections.nCopies(21, Map.of("script", "print(1)"));
        assertThat(call("POST", "/api/v1/executions/batch", token, Map.of("submissions", tooMany))
                        .status())
                .isEqualTo(422);
        assertThat(call("POST", "/api/v1/executions/batch", token, Map.of("submissions", List.of()))
                        .status())
                .isEqualTo(422);
        assertThat(call("GET", "/api/v1/user/executions", token, null)
                        .body()
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void aDeactivatedOrDeletedAccountsTokensStopWorkingAtOnce() {
        ApiSession admin = ApiSession.login(port, "admin", "admin123");
        ApiSession session = newUser();
        String userId = session.get("/api/v1/auth/me").body().get("user_id").asText();
        String token = token(session, Map.of("name", "ci", "scopes", List.of("read")));
        assertThat(call("GET", "/api/v1/user/executions", token, null).status()).isEqualTo(200);

        assertThat(admin.put("/api/v1/admin/users/" + userId, Map.of("is_active", false))
                        .status())
                .isEqualTo(200);
        assertThat(call("GET", "/api/v1/user/executions", token, null).status()).isEqualTo(401);

        assertThat(admin.delete("/api/v1/admin/users/" + userId).status()).isBetween(200, 204);
        assertThat(call("GET", "/api/v1/user/executions", token, null).status()).isEqualTo(401);
    }
}
