package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The default rate limits against the two callers they are for: a person, who must never see a 429, and a
 * script sending hundreds of calls a second, which must. The person's side in a real browser is the journey
 * {@code frontend/e2e/two-tabs.test.mjs}; here it is the same traffic over HTTP, a minute of it at once.
 */
@FrontDoorTest
class RateLimitAbuseTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RateLimitAbuseTest.class);

    private static final String EXECUTE = "/api/v1/execute";
    private static final String NOTIFICATION_STREAM = "/api/v1/events/notifications/stream";
    private static final Map<String, Object> SCRIPT =
            Map.of("script", "print('x')", "lang", "python", "lang_version", "3.11");
    /** How long a page holds its notification stream before the next page load replaces it. */
    private static final Duration PAGE = Duration.ofMillis(100);

    @LocalServerPort
    int port;

    /**
     * What each full page load of the SPA asks for (the session, the settings, the bell's notifications and a
     * new notification stream) and what the page itself reads, as a browser journey of two tabs measured it.
     */
    private static final Map<String, List<String>> PAGE_READS = Map.of(
            "/editor", List.of("/api/v1/k8s-limits", "/api/v1/example-scripts", "/api/v1/scripts"),
            "/notifications", List.of("/api/v1/notifications?limit=20&offset=0"),
            "/settings", List.of("/api/v1/user/settings/history?limit=50"));

    private static final List<String> EVERY_PAGE =
            List.of("/api/v1/auth/me", "/api/v1/user/settings/", "/api/v1/notifications?limit=8");

    @Test
    void aMinuteOfTwoBusyTabsOfOnePersonSentAtOnceGetsNo429() {
        Client person = Accounts.user(port, "two-tabs");
        List<Integer> statuses = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Function<Client.Reply, Client.Reply> seen = reply -> {
            statuses.add(reply.status());
            return reply;
        };
        // Two tabs, each loading a page every three seconds for a minute: 40 page loads, every one of which
        // reconnects the notification stream; a run every 7.5 s, watched to its end on its own stream; the
        // theme changed and a script saved now and then.
        String[] pages = {"/editor", "/notifications", "/settings"};
        for (int load = 0; load < 40; load++) {
            String page = pages[load % pages.length];
            for (String path : EVERY_PAGE) {
                check(seen.apply(person.get(path)), path, refused);
            }
            for (String path : PAGE_READS.get(page)) {
                check(seen.apply(person.get(path)), path, refused);
            }
            Client.Stream stream = person.stream(NOTIFICATION_STREAM, PAGE).block(Client.TIMEOUT);
            statuses.add(stream.status());
            if (stream.status() != 200) {
                refused.add(NOTIFICATION_STREAM + " → " + stream.status() + " " + stream.error());
            }
            if (load % 5 == 0) {
                Client.Reply run = seen.apply(person.post(EXECUTE, SCRIPT));
                check(run, EXECUTE, refused);
                if (run.status() == 200) {
                    String id = run.body().get("execution_id").asText();
                    // held until the run ends and the server closes it (its final frame)
                    Client.Stream live = person.stream(
                                    "/api/v1/events/executions/" + id, Mono.delay(Client.TIMEOUT), () -> {})
                            .block(Client.TIMEOUT.plusSeconds(5));
                    statuses.add(live.status());
                    if (live.status() != 200) {
                        refused.add("execution stream → " + live.status() + " " + live.error());
                    }
                }
            }
            if (load % 3 == 2) {
                String theme = load % 2 == 0 ? "dark" : "light";
                check(seen.apply(person.put("/api/v1/user/settings/theme", Map.of("theme", theme))), "theme", refused);
                check(
                        seen.apply(person.post(
                                "/api/v1/scripts",
                                Map.of("name", Accounts.name("tab"), "script", "print(1)", "lang", "python"))),
                        "save a script",
                        refused);
            }
        }

        log.info("two tabs, one minute at once: {} calls", statuses.size());
        assertThat(statuses).hasSizeGreaterThan(250);
        assertThat(refused).as("calls refused").isEmpty();
    }

    private static void check(Client.Reply reply, String what, List<String> refused) {
        if (reply.status() == 429 || reply.status() >= 500) {
            refused.add(what + " → " + reply.status() + " " + reply.raw());
        }
    }

    @Test
    void aScriptHammeringReadsIsRefusedWithinSecondsAndOthersAreNot() {
        Client abuser = Accounts.user(port, "read-flood").on(Client.wideWeb(port, 200));
        Client bystander = Accounts.user(port, "read-bystander");

        long started = System.nanoTime();
        List<Integer> statuses = Flux.range(0, 2000)
                .flatMap(i -> abuser.getAsync("/api/v1/notifications/unread-count"), 200)
                .collectList()
                .block(Duration.ofMinutes(3));
        long millis = (System.nanoTime() - started) / 1_000_000;

        long accepted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        log.info("read flood: 2000 calls in {} ms, {} accepted, {} refused", millis, accepted, refused);
        assertThat(accepted + refused).isEqualTo(2000);
        assertThat(accepted).isLessThanOrEqualTo(1200);
        assertThat(refused).isGreaterThanOrEqualTo(800);
        Client.Reply again = abuser.get("/api/v1/notifications/unread-count");
        assertThat(again.status()).isEqualTo(429);
        assertThat(again.body().get("detail").asText()).isEqualTo("Rate limit exceeded");
        assertThat(again.header("Retry-After")).isNotBlank();
        assertThat(bystander.get("/api/v1/notifications/unread-count").status()).isEqualTo(200);
    }

    @Test
    void anAnonymousScriptIsCountedByItsAddressAndRefused() {
        String address = Accounts.address();
        Client abuser = Client.anonymous(port, address).on(Client.wideWeb(port, 200));

        List<Integer> statuses = Flux.range(0, 1500)
                .flatMap(i -> abuser.getAsync("/api/v1/example-scripts"), 200)
                .collectList()
                .block(Duration.ofMinutes(3));

        assertThat(statuses.stream().filter(s -> s == 200).count()).isLessThanOrEqualTo(1200);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(300);
        assertThat(Client.anonymous(port, address)
                        .get("/api/v1/example-scripts")
                        .status())
                .isEqualTo(429);
        assertThat(Client.anonymous(port, Accounts.address())
                        .get("/api/v1/example-scripts")
                        .status())
                .as("another address")
                .isEqualTo(200);
    }

    @Test
    void aScriptReconnectingAStreamHundredsOfTimesIsRefused() {
        Client user = Accounts.user(port, "stream-flood");
        Client abuser = user.on(Client.wideWeb(port, 50));

        // Five at a time (under the cap of open streams), each let go as soon as it answered (20 ms: a stream
        // let go before its body was read would be drained to its end, which an open stream never reaches).
        List<Client.Stream> streams = Flux.range(0, 300)
                .flatMap(i -> abuser.stream(NOTIFICATION_STREAM, Mono.delay(Duration.ofMillis(20)), () -> {}), 5)
                .collectList()
                .block(Duration.ofMinutes(3));

        List<Client.Stream> limited = streams.stream()
                .filter(s -> s.status() == 429
                        && s.error() != null
                        && "Rate limit exceeded".equals(s.error().path("detail").asText()))
                .toList();
        assertThat(streams.stream().filter(s -> s.status() == 200).count()).isLessThanOrEqualTo(180);
        assertThat(limited).hasSizeGreaterThanOrEqualTo(120);
        assertThat(limited)
                .allSatisfy(
                        s -> assertThat(s.error().get("retry_after").asLong()).isPositive());
    }

    @Test
    void aScriptSubmittingHundredsOfRunsGetsTenThroughAMinute() {
        Client abuser = Accounts.user(port, "run-flood").on(Client.wideWeb(port, 200));

        List<Integer> statuses = Flux.range(0, 300)
                .flatMap(i -> abuser.postAsync(EXECUTE, SCRIPT), 200)
                .collectList()
                .block(Duration.ofMinutes(3));

        long accepted = statuses.stream().filter(s -> s == 200).count();
        assertThat(accepted).isBetween(1L, 10L);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(300 - accepted);
        Client.Reply next = abuser.post(EXECUTE, SCRIPT);
        assertThat(next.status()).isEqualTo(429);
        assertThat(next.header("X-RateLimit-Limit")).isEqualTo("10");
    }
}
