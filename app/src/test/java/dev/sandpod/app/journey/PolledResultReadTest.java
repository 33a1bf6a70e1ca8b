package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.app.SandpodApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code GET /executions/{id}/result} is found by a mapping of its own before the controllers' mapping (issue 21,
 * reads: a poll no longer tests its path against every route). What a client sees must be what the controllers'
 * mapping answered: the result to its owner, 403 to another user, 404 for an unknown id, the same for {@code HEAD},
 * 405 for another method, 404 with a trailing slash, 401 without a session. (That it is still counted under its
 * route's pattern: {@code dev.sandpod.app.observability.PolledResultMetricsTest}.)
 */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
        })
class PolledResultReadTest {

    @LocalServerPort
    int port;

    @Test
    void theResultReadAnswersAsTheControllersMappingDid() {
        ApiSession owner = ApiSession.login(port, "user", "user123");
        String id = owner.execute("print('polled')");
        owner.awaitResult(id);
        String path = "/api/v1/executions/" + id + "/result";

        ApiSession.Reply mine = owner.get(path);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body().get("execution_id").asText()).isEqualTo(id);
        assertThat(mine.body().get("status").asText()).isEqualTo("completed");
        assertThat(mine.body().get("stdout").asText()).isEqualTo("polled\n");

        ApiSession other = ApiSession.register(port, "polled-other-" + System.nanoTime());
        assertThat(other.get(path).status()).isEqualTo(403);
        assertThat(owner.get("/api/v1/executions/no-such-execution/result").status())
                .isEqualTo(404);
        assertThat(owner.get(path + "/").status()).isEqualTo(404);
        assertThat(owner.exchange("HEAD", path, null, true).status()).isEqualTo(200);
        assertThat(owner.exchange("HEAD", "/api/v1/executions/no-such-execution/result", null, true)
                        .status())
                .isEqualTo(404);
        assertThat(owner.exchange("DELETE", path, null, true).status()).isEqualTo(405);
        assertThat(owner.post(path, Map.of()).status()).isEqualTo(405);
        assertThat(ApiSession.anonymous(port, "GET", path, null).status()).isEqualTo(401);
    }
}
