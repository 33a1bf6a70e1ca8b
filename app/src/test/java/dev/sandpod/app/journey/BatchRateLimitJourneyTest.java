package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.app.SandpodApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With the default rate limits on: a batch counts as its size against the per-minute execute limit, and is
 * admitted whole or refused whole.
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.execution.timeout-seconds=10",
            "sandpod.security.bcrypt.cost=4",
        })
class BatchRateLimitJourneyTest {

    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> post(String path, String bearer, Object body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + bearer)
                        .POST(HttpRequest.BodyPublishers.ofString(ApiSession.JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBatchCountsAsItsSizeAndIsRefusedWholeWhenTheMinuteHasTooFewLeft() throws Exception {
        ApiSession session = ApiSession.register(port, "batchlimit" + System.nanoTime() % 100_000);
        String token = RestClientJourneyTest.token(session, Map.of("name", "ci", "scopes", List.of("execute")));
        Map<String, Object> one = Map.of("script", "print(1)");

        HttpResponse<String> first = post("/api/v1/execute", token, one);
        assertThat(first.statusCode()).isEqualTo(200);
        int left = Integer.parseInt(
                first.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertThat(left).isBetween(1, 19);

        HttpResponse<String> tooBig =
                post("/api/v1/executions/batch", token, Map.of("submissions", Collections.nCopies(left + 1, one)));
        assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(429);
        assertThat(ApiSession.parse(tooBig.body()).get("detail").asText()).contains("batch needs " + (left + 1));
        assertThat(session.get("/api/v1/user/executions").body().get("total").asInt())
                .as("nothing of a refused batch was admitted")
                .isEqualTo(1);

        HttpResponse<String> fits =
                post("/api/v1/executions/batch", token, Map.of("submissions", Collections.nCopies(left, one)));
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
        assertThat(ApiSession.parse(fits.body()).get("executions")).hasSize(left);

        assertThat(post("/api/v1/execute", token, one).statusCode())
                .as("the batch used up the minute")
                .isEqualTo(429);
    }
}
