package dev.sandpod.app.observability;

import dev.sandpod.app.journey.ApiSession;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;

/** Small HTTP helpers of the observability tests. */
final class Observed {

    private Observed() {}

    /** A plain-text endpoint (the Prometheus scrape) read as the signed-in user. */
    static String text(ApiSession session, String path) {
        ApiSession.Reply reply = session.get(path);
        if (reply.status() != 200) {
            throw new IllegalStateException(path + " answered " + reply.status());
        }
        return reply.body().asText();
    }

    /** The status of a sign-in with a wrong password. */
    static int failedLogin(int port, String username, String password) {
        return ApiSession.clientFor(port)
                .post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", password))
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                .block(Duration.ofSeconds(30));
    }
}
