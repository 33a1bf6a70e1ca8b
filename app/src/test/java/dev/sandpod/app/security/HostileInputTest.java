package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Hostile-input rows H23 and H24 (docs/architecture.md, the sandbox) at the front door, with the built-in rate-limit rules. */
@FrontDoorTest
class HostileInputTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HostileInputTest.class);

    private static final String EXECUTE = "/api/v1/execute";
    /** How long the allowed streams are held once all 200 have their answer: heartbeats come every second. */
    private static final Duration HOLD = Duration.ofSeconds(4);

    private static final int STREAMS = 200;

    @LocalServerPort
    int port;

    @Test
    void H23_aScriptOf50001CharactersIs422AndNothingIsQueued() {
        Client user = Accounts.user(port, "h23-long");

        Client.Reply reply =
                user.post(EXECUTE, Map.of("script", "#".repeat(50_001), "lang", "python", "lang_version", "3.11"));

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.body().get("detail").isArray()).isTrue();
        assertThat(user.get("/api/v1/user/executions").body().get("total").asInt())
                .isZero();
        assertThat(user.post(EXECUTE, Map.of("script", "#".repeat(50_000))).status())
                .isEqualTo(200);
    }

    @Test
    void H23_aRequestBodyOf20MbIs413AndNothingIsQueued() {
        Client user = Accounts.user(port, "h23-big");
        byte[] body = ("{\"script\":\"" + "x".repeat(20 * 1024 * 1024) + "\"}").getBytes();

        Client.Reply reply = user.send("POST", EXECUTE, body);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body().get("detail").asText()).isNotBlank();
        assertThat(reply.body().get("type").asText()).isNotBlank();
        assertThat(user.get("/api/v1/user/executions").body().get("total").asInt())
                .isZero();
    }

    @Test
    void H23_aThousandSubmissionsInASecondAre429BeyondTheLimitAndNothingOfThemIsQueued() {
        Client user = Accounts.user(port, "h23-flood");
        Client bystander = Accounts.user(port, "h23-bystander");
        WebClient wide = Client.wideWeb(port, 300);
        Client flooding = user.on(wide);
        Map<String, Object> script = Map.of("script", "print('flood')", "lang", "python", "lang_version", "3.11");
        AtomicLong slowestBystander = new AtomicLong();

        long started = System.nanoTime();
        Mono<List<Integer>> flood = Flux.range(0, 1000)
                .flatMap(i -> flooding.postAsync(EXECUTE, script), 1000)
                .collectList();
        Mono<Void> meanwhile = Flux.range(0, 5)
                .delayElements(Duration.ofMillis(200))
                .concatMap(i -> Mono.fromCallable(() -> {
                            long start = System.nanoTime();
                            assertThat(bystander.get("/api/v1/auth/me").status())
                                    .isEqualTo(200);
                            slowestBystander.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                            return i;
                        })
                        .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                .then();
        List<Integer> statuses =
                Mono.zip(flood, meanwhile.thenReturn(true)).map(t -> t.getT1()).block(Duration.ofMinutes(3));

        log.info("H23: 1000 submissions answered in {} ms", (System.nanoTime() - started) / 1_000_000);
        long accepted = statuses.stream().filter(s -> s == 200).count();
        long refused = statuses.stream().filter(s -> s == 429).count();
        assertThat(accepted + refused)
                .as("every submission is either accepted or refused with 429")
                .isEqualTo(1000);
        assertThat(accepted).isBetween(1L, 10L);
        assertThat(user.get("/api/v1/user/executions?limit=200")
                        .body()
                        .get("total")
                        .asLong())
                .isEqualTo(accepted);
        assertThat(slowestBystander.get())
                .as("another user's request during the flood, ms")
                .isLessThan(5_000);
        assertThat(bystander.post(EXECUTE, script).status()).isEqualTo(200);
    }

    /** Opens {@link #STREAMS} streams at once and holds the open ones until every one has its answer, and then some. */
    private static List<Client.Stream> openAtOnce(Client client, String path) {
        AtomicInteger answered = new AtomicInteger();
        Sinks.Empty<Void> allAnswered = Sinks.empty();
        Mono<Long> release = allAnswered.asMono().then(Mono.delay(HOLD));
        Runnable onAnswer = () -> {
            if (answered.incrementAndGet() == STREAMS) {
                allAnswered.tryEmitEmpty();
            }
        };
        return Flux.range(0, STREAMS)
                .flatMap(i -> client.stream(path, release, onAnswer), STREAMS)
                .collectList()
                .block(Duration.ofMinutes(3));
    }

    @Test
    void H24_twoHundredStreamsOfOneUserAreCappedWithAClearErrorAndHeartbeatsKeepTheAllowedOnesAlive() {
        Client user = Accounts.user(port, "h24-default");
        String running = user.execute("import time\ntime.sleep(25)\n");
        Client streaming = user.on(Client.wideWeb(port, 300));

        List<Client.Stream> streams = openAtOnce(streaming, "/api/v1/events/executions/" + running);

        List<Client.Stream> open =
                streams.stream().filter(s -> s.status() == 200).toList();
        List<Client.Stream> refused =
                streams.stream().filter(s -> s.status() == 429).toList();
        // 180 connects a minute pass the rate limit, of which 10 may be open at once; the other 20 are refused
        // by the rate limit itself
        List<Client.Stream> rateLimited = refused.stream()
                .filter(s -> s.error().get("detail").asText().equals("Rate limit exceeded"))
                .toList();
        assertThat(open).hasSize(10);
        assertThat(refused).hasSize(190);
        assertThat(rateLimited)
                .hasSize(20)
                .allSatisfy(
                        s -> assertThat(s.error().get("retry_after").asLong()).isPositive());
        assertThat(refused)
                .filteredOn(s -> !rateLimited.contains(s))
                .hasSize(170)
                .allSatisfy(s -> assertThat(s.error().get("detail").asText()).contains("Too many open event streams"));
        assertThat(open).allSatisfy(s -> {
            assertThat(s.text()).contains("\"event_type\":\"status\"");
            assertThat(s.heartbeats()).as("heartbeats in %s", HOLD).isGreaterThanOrEqualTo(2);
        });
        user.post("/api/v1/executions/" + running + "/cancel", null);
    }

    @Test
    void H24_evenWithARaisedConnectRateAUserHoldsAtMostTenStreamsAtOnce() {
        Client user = Accounts.user(port, "h24-raised");
        Client admin = Accounts.admin(port, "h24-admin");
        admin.put(
                "/api/v1/admin/rate-limits/" + user.userId(),
                Client.body(
                        "rules",
                        List.of(Client.body(
                                "endpoint_pattern",
                                "^/api/v1/events/",
                                "group",
                                "sse",
                                "requests",
                                1000,
                                "window_seconds",
                                60))));
        String running = user.execute("import time\ntime.sleep(25)\n");
        Client streaming = user.on(Client.wideWeb(port, 300));

        List<Client.Stream> streams = openAtOnce(streaming, "/api/v1/events/executions/" + running);

        List<Client.Stream> open =
                streams.stream().filter(s -> s.status() == 200).toList();
        List<Client.Stream> refused =
                streams.stream().filter(s -> s.status() == 429).toList();
        assertThat(open).hasSize(10);
        assertThat(refused)
                .hasSize(190)
                .allSatisfy(s -> assertThat(s.error().get("detail").asText()).contains("Too many open event streams"));
        assertThat(open).allSatisfy(s -> assertThat(s.heartbeats()).isGreaterThanOrEqualTo(2));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                streaming.stream("/api/v1/events/executions/" + running, Duration.ofMillis(300))
                                        .block(Duration.ofSeconds(10))
                                        .status())
                        .as("places are given back")
                        .isEqualTo(200));
        user.post("/api/v1/executions/" + running + "/cancel", null);
    }
}
