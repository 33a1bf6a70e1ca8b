package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every 404 speaks one language, {@code {detail, type: "NotFound"}} — an unknown API route, a missing file, an
 * unknown actuator endpoint, a missing resource — while the SPA's own routes still get {@code index.html};
 * and {@code HEAD} of a public GET answers like the GET, without a body.
 */
@FrontDoorTest
class NotFoundAndHeadTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    private static void notFound(Client.Reply reply, String what) {
        assertThat(reply.status()).as(what).isEqualTo(404);
        assertThat(reply.header("Content-Type")).as(what).startsWith("application/json");
        assertThat(reply.body().get("type").asText()).as(what).isEqualTo("NotFound");
        assertThat(reply.body().get("detail").asText()).as(what).isNotBlank();
    }

    @Test
    void unknownRoutesMissingFilesAndMissingResourcesAllAnswerNotFound() {
        Client user = Accounts.user(port, "lost");
        Client admin = Accounts.admin(port, "lost-admin");
        Client anonymous = Client.anonymous(port, Accounts.address());

        notFound(user.get("/api/v1/no-such-route"), "an unknown API route");
        notFound(user.get("/api/v2/executions"), "another API version");
        notFound(user.get("/api/nothing"), "outside /api/v1");
        notFound(user.send("DELETE", "/api/v1/no-such-route", null), "an unknown route, another method");
        notFound(anonymous.get("/api"), "/api itself");
        notFound(anonymous.get("/assets/no-such-chunk.js"), "a missing asset");
        notFound(anonymous.get("/no-such-file.txt"), "a missing file");
        notFound(anonymous.send("POST", "/editor", null), "a POST to a page");
        notFound(anonymous.get("/api/v1/health"), "a probe at the wrong path (public: no session needed)");
        notFound(admin.get("/actuator/no-such-endpoint"), "an unknown actuator endpoint");
        // the same spelling as a resource that is not there
        notFound(user.get("/api/v1/scripts/no-such-script"), "a missing saved script");
        // signed out, an unknown API route is still behind the session check
        assertThat(anonymous.get("/api/v1/no-such-route").status()).isEqualTo(401);
    }

    /** The health tree is open to anyone: no dot segment may walk out of it to a route that needs a session. */
    @Test
    void theOpenHealthTreeLeadsNowhereElse() throws IOException {
        for (String target : List.of(
                "/api/v1/health/../admin/users/",
                "/api/v1/health/%2e%2e/admin/users/",
                "/api/v1/health/..%2fadmin/users/",
                "/api/v1/health/..;/admin/users/",
                "/api/v1/health/../user/executions")) {
            RawHttp.Response response = RawHttp.send(port, "GET", target, List.of(), null, TIMEOUT, Duration.ZERO);

            assertThat(response.status()).as(target).isIn(400, 404);
            assertThat(response.body()).as(target).contains("\"type\"").doesNotContain("\"users\"");
        }
    }

    @Test
    void pagesOfTheSpaStillGetTheApp() {
        Client anonymous = Client.anonymous(port, Accounts.address());
        String app = anonymous.get("/").raw();
        assertThat(app).contains("<html");

        for (String page : List.of("/editor", "/settings", "/no/such/page", "/apiary", "/actuators", "/docs-old")) {
            Client.Reply reply = anonymous.get(page);
            assertThat(reply.status()).as(page).isEqualTo(200);
            assertThat(reply.header("Content-Type")).as(page).startsWith("text/html");
            assertThat(reply.raw()).as(page).isEqualTo(app);
        }
    }

    @Test
    void headOfAPublicGetAnswersLikeTheGetWithoutABody() throws IOException {
        for (String path : List.of(
                "/api/v1/health/live",
                "/api/v1/health/ready",
                "/api/v1/health",
                "/api/v1/example-scripts",
                "/api/v1/k8s-limits")) {
            RawHttp.Response get = RawHttp.send(port, "GET", path, List.of(), null, TIMEOUT, Duration.ZERO);
            Head head = head(path);

            assertThat(head.status()).as("HEAD %s", path).isEqualTo(get.status());
            assertThat(head.trailing())
                    .as("bytes after the head of HEAD %s", path)
                    .isZero();
            assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
            assertThat(names(head.headers())).as(path).isEqualTo(names(get.headers()));
            String getLength = get.header("Content-Length");
            if (getLength != null) {
                long length = Long.parseLong(head.header("Content-Length"));
                if (path.startsWith("/api/v1/health/")) {
                    // the uptime and the timestamp's digits may differ by a few bytes between the two answers
                    assertThat(length)
                            .as(path)
                            .isBetween(Long.parseLong(getLength) - 12, Long.parseLong(getLength) + 12);
                } else {
                    assertThat(length).as(path).isEqualTo(Long.parseLong(getLength));
                }
            }
        }
    }

    /** Header names, without the ones that are per answer anyway. */
    private static Set<String> names(Map<String, String> headers) {
        Set<String> names = new TreeSet<>(headers.keySet());
        names.removeAll(Set.of("date", "transfer-encoding", "connection"));
        return names;
    }

    record Head(int status, Map<String, String> headers, int trailing) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A HEAD on a connection the server closes afterwards: every byte it sends is read, to see there is no body. */
    private Head head(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream()
                    .write(("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("the head of HEAD %s ends", path).isPositive();
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new Head(Integer.parseInt(lines[0].split(" ")[1]), headers, text.length() - end - 4);
        }
    }
}
