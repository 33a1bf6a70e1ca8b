package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * At least {@link #REQUESTS} generated requests against the running application — random methods, paths of
 * its own route list with real and hostile path values, random query values, headers, cookies, and bodies
 * from well-formed to broken — must get no 5xx, and every error body must be {@code {detail, type}}.
 * Reproducible: the seed is printed and can be given with {@code -Dsandpod.fuzz.seed}.
 */
@FrontDoorTest
class FuzzTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FuzzTest.class);

    private static final int REQUESTS = Integer.getInteger("sandpod.fuzz.requests", 5_000);
    private static final int CONCURRENCY = 8;
    private static final Duration PER_REQUEST = Duration.ofSeconds(60);
    /** A readiness check names a dependency that is down with 503: that is its job, not a failure. */
    private static final Set<String> MAY_BE_UNAVAILABLE = Set.of("/api/v1/health/ready", "/actuator/health");

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?[A-Za-z]+}");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private record Target(String method, String pattern) {}

    private record Outcome(String request, int status, String contentType, String body) {}

    @Test
    void thousandsOfGeneratedRequestsGetNo5xxAndOnlyWellShapedErrors() {
        long seed = Long.getLong("sandpod.fuzz.seed", System.nanoTime());
        log.info("FUZZ seed={} (repeat with -Dsandpod.fuzz.seed={})", seed, seed);
        List<Target> targets = new ArrayList<>();
        for (String operation : Routes.of(context)) {
            if (operation.startsWith("ROUTE ")) {
                targets.add(new Target("GET", "/"));
            } else {
                int space = operation.indexOf(' ');
                targets.add(new Target(operation.substring(0, space), operation.substring(space + 1)));
            }
        }
        Fixture fixture = new Fixture();
        Random seeds = new Random(seed);
        AtomicInteger sent = new AtomicInteger();
        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger healthReports = new AtomicInteger();

        Flux.range(0, REQUESTS)
                .map(i -> new Random(seeds.nextLong()))
                .flatMap(
                        random -> Mono.defer(() -> one(fixture, targets, random))
                                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()),
                        CONCURRENCY)
                .doOnNext(outcome -> {
                    sent.incrementAndGet();
                    byStatus.computeIfAbsent(outcome.status(), s -> new AtomicInteger())
                            .incrementAndGet();
                    if (outcome.status() == 503 && MAY_BE_UNAVAILABLE.contains(pathOf(outcome))) {
                        healthReports.incrementAndGet();
                    }
                    String problem = judge(outcome);
                    if (problem != null) {
                        failures.add(problem + " — " + outcome.request() + " → " + outcome.status() + " "
                                + outcome.contentType() + " " + abbreviate(outcome.body()));
                    }
                })
                .blockLast(Duration.ofMinutes(30));

        long serverErrors = byStatus.entrySet().stream()
                        .filter(e -> e.getKey() >= 500)
                        .mapToLong(e -> e.getValue().get())
                        .sum()
                - healthReports.get();
        log.info(
                "FUZZ requests={} 5xx={} (besides {} health reports of 503) failures={} statuses={}",
                sent.get(),
                serverErrors,
                healthReports.get(),
                failures.size(),
                new TreeMap<>(byStatus));
        failures.stream()
                .sorted((a, b) -> Boolean.compare(!a.startsWith("server"), !b.startsWith("server")))
                .limit(120)
                .forEach(f -> log.warn("FUZZ-FAILURE {}", f));
        // the fuzz may have changed system settings: put the defaults back for the tests that follow
        fixture.admin.post("/api/v1/admin/settings/reset", null);

        assertThat(sent.get()).isGreaterThanOrEqualTo(REQUESTS);
        assertThat(serverErrors).as("5xx answers").isZero();
        assertThat(failures)
                .as("requests answered with 5xx or a malformed error body")
                .isEmpty();
    }

    private static String pathOf(Outcome outcome) {
        return outcome.request().split(" ", 3)[1].split("\\?")[0];
    }

    /** null when the outcome is acceptable. */
    private static String judge(Outcome outcome) {
        if (outcome.status() < 0) {
            return "no answer";
        }
        String path = pathOf(outcome);
        if (outcome.status() == 503 && MAY_BE_UNAVAILABLE.contains(path)) {
            // a health report, in its own format
            return null;
        }
        if (outcome.status() >= 500) {
            return "server error";
        }
        if (outcome.status() >= 400
                && !outcome.request().startsWith("HEAD ")
                && !outcome.body().isEmpty()) {
            JsonNode body = Client.parse(outcome.body());
            if (!body.isObject() || !body.has("detail") || !body.has("type")) {
                return "error body not {detail, type}";
            }
        }
        if (outcome.status() >= 400
                && outcome.body().isEmpty()
                && !outcome.request().startsWith("HEAD ")) {
            return "error without a body";
        }
        return null;
    }

    private Mono<Outcome> one(Fixture fixture, List<Target> targets, Random random) {
        Target target = targets.get(random.nextInt(targets.size()));
        String method = random.nextInt(10) < 7 ? target.method() : pick(random, METHODS);
        String path = fill(target.pattern(), fixture, random);
        String query = query(random);
        Identity who = identity(fixture, random, target.pattern());
        byte[] body = body(random);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers(random, who).forEach((k, v) -> headers.add(Map.entry(k, v)));
        String cookies = null;
        if (who.session() != null) {
            cookies = "access_token="
                    + (random.nextInt(20) == 0
                            ? mangle(random, who.session().accessToken())
                            : who.session().accessToken())
                    + "; csrf_token=" + who.session().csrfToken();
        } else if (random.nextInt(5) == 0) {
            cookies = "access_token="
                    + pick(
                            random,
                            List.of(
                                    "",
                                    "garbage",
                                    "a.b.c",
                                    "eyJhbGciOiJub25lIn0.e30.",
                                    fixture.user.accessToken() + "x",
                                    "x;y=z"));
        }
        if (cookies != null) {
            headers.add(Map.entry("Cookie", cookies));
        }
        String description = method + " " + path + query + " as " + who.name() + " headers="
                + headers.stream().filter(h -> !h.getKey().equals("Cookie")).toList() + " body="
                + (body == null ? "none" : abbreviate(new String(body, StandardCharsets.UTF_8)));
        return Mono.fromCallable(() -> {
                    RawHttp.Response response = RawHttp.send(
                            port, method, path + query, headers, body, PER_REQUEST, Duration.ofMillis(300));
                    String type = response.header("Content-Type") == null ? "" : response.header("Content-Type");
                    return new Outcome(
                            description,
                            response.status(),
                            type,
                            type.startsWith("text/event-stream") ? "" : response.body());
                })
                .onErrorResume(e -> Mono.just(new Outcome(description, -1, "", e.toString())));
    }

    // --- what the generator draws from -------------------------------------------------------------

    private record Identity(String name, Client session) {}

    /** Who sends it: the fuzz user, the fuzz admin (both exempt from rate limits), or nobody. */
    private Identity identity(Fixture fixture, Random random, String pattern) {
        int draw = random.nextInt(10);
        if (draw < 5) {
            return new Identity("user", pattern.endsWith("/logout") ? fixture.user.relogin(port) : fixture.user);
        }
        if (draw < 8) {
            return new Identity("admin", pattern.endsWith("/logout") ? fixture.admin.relogin(port) : fixture.admin);
        }
        return new Identity("anonymous", null);
    }

    private static final List<String> HOSTILE_SEGMENTS = List.of(
            "..",
            "%2e%2e",
            "..%2f..%2fetc%2fpasswd",
            "%00",
            "null",
            "undefined",
            "0",
            "-1",
            "99999999999999999999",
            "'%20OR%20'1'%3D'1",
            "%3Cscript%3E",
            "%E2%80%AE",
            "%F0%9F%92%A9",
            "a%20b",
            "%25",
            "%2F",
            "%5C",
            "%7B%7D",
            "true",
            "NaN",
            "1e309",
            "x".repeat(2000),
            "%C3%A9%C3%A8",
            "..%5C..%5C",
            "%ZZ",
            "%",
            "%E2%82",
            "%C0%AF",
            ";jsessionid=1",
            "a;b=c",
            "~",
            "%09",
            "%0D%0A");

    private String fill(String pattern, Fixture fixture, Random random) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            int draw = random.nextInt(10);
            if (draw < 4) {
                value = pick(random, fixture.realIds);
            } else if (draw < 6) {
                value = UUID.randomUUID().toString();
            } else {
                value = pick(random, HOSTILE_SEGMENTS);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final List<String> QUERY_KEYS = List.of(
            "limit",
            "offset",
            "skip",
            "status",
            "lang",
            "search",
            "role",
            "cascade",
            "start_time",
            "end_time",
            "event_types",
            "include_tags",
            "exclude_tags",
            "tag_prefix",
            "priority",
            "user_id",
            "unknown",
            "limit[]",
            "");
    private static final List<String> QUERY_VALUES = List.of(
            "",
            "0",
            "%ZZ",
            "%",
            "a%E2%82",
            "-1",
            "1",
            "50",
            "1001",
            "2147483648",
            "99999999999999999999999",
            "abc",
            "true",
            "maybe",
            "null",
            "%25",
            "%00",
            "completed",
            "python",
            "admin",
            "god",
            "2026-01-01T00:00:00Z",
            "not-a-date",
            "%27%3B%20DROP",
            ".*",
            "(a%2B)%2B%24",
            "%F0%9F%92%A9",
            "a,b,,c",
            "1e3",
            "0x10",
            "x".repeat(3000));

    private static String query(Random random) {
        int count = random.nextInt(4);
        if (count == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder("?");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(UriUtils.encodeQueryParam(pick(random, QUERY_KEYS), StandardCharsets.UTF_8));
            if (random.nextInt(8) != 0) {
                out.append('=').append(pick(random, QUERY_VALUES));
            }
        }
        return out.toString();
    }

    private static final List<String> FIELDS = List.of(
            "script",
            "lang",
            "lang_version",
            "name",
            "description",
            "theme",
            "priority",
            "username",
            "email",
            "password",
            "new_password",
            "role",
            "is_active",
            "rules",
            "global_multiplier",
            "bypass_rate_limit",
            "notes",
            "timestamp",
            "reason",
            "subject",
            "body",
            "severity",
            "enabled",
            "font_size",
            "tab_size",
            "execution_completed",
            "channels",
            "severities",
            "webhook_url",
            "tags",
            "audience",
            "alerts",
            "endpoint_pattern",
            "group",
            "requests",
            "window_seconds",
            "algorithm",
            "burst_multiplier",
            "max_login_attempts",
            "memory_limit",
            "custom_settings",
            "editor",
            "notifications");

    private static byte[] body(Random random) {
        int draw = random.nextInt(20);
        String text = switch (draw) {
            case 0, 1, 2 -> null;
            case 3 -> "";
            case 4 ->
                pick(
                        random,
                        List.of(
                                "{",
                                "{\"a\":",
                                "[1,2",
                                "{\"script\": \"x\",}",
                                "nul",
                                "\"",
                                "}{",
                                "{{}}",
                                "{\"a\":1}{\"b\":2}",
                                "\u0000\u0001\u0002",
                                "\uFFFF",
                                "{\"script\":\"\\ud800\"}"));
            case 5 -> pick(random, List.of("[]", "\"text\"", "42", "true", "null", "[{}]", "1e309", "-0"));
            case 6 -> "username=" + pick(random, QUERY_VALUES) + "&password=" + pick(random, QUERY_VALUES);
            case 7 -> "[".repeat(2000) + "]".repeat(2000);
            case 8 -> "{\"a\":".repeat(1500) + "1" + "}".repeat(1500);
            default -> object(random, 0).toString();
        };
        if (text == null) {
            return null;
        }
        if (random.nextInt(30) == 0) {
            byte[] bytes = new byte[random.nextInt(4096)];
            random.nextBytes(bytes);
            return bytes;
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode object(Random random, int depth) {
        var node = Client.JSON.createObjectNode();
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            node.set(pick(random, FIELDS), value(random, depth));
        }
        return node;
    }

    private static JsonNode value(Random random, int depth) {
        var f = Client.JSON.getNodeFactory();
        return switch (random.nextInt(depth > 2 ? 9 : 11)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextInt(2000) - 1000);
            case 3 -> f.numberNode(random.nextDouble() * 1e12);
            case 4 -> f.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 5 -> f.textNode(pick(random, QUERY_VALUES));
            case 6 ->
                f.textNode(pick(
                        random,
                        List.of(
                                "python",
                                "node",
                                "3.11",
                                "dark",
                                "high",
                                "admin",
                                "user",
                                "sliding_window",
                                "token_bucket",
                                "execution",
                                "^/api/v1/.*",
                                "([",
                                "print('fuzz')",
                                "https://hooks.slack.com/x",
                                "http://169.254.169.254/",
                                "in_app")));
            case 7 -> f.textNode("y".repeat(random.nextInt(70_000)));
            case 8 -> f.textNode(new String(Character.toChars(0x1F4A9)).repeat(random.nextInt(100)));
            case 9 -> {
                var array = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.add(random.nextBoolean() ? object(random, depth + 1) : value(random, depth + 1));
                }
                yield array;
            }
            default -> object(random, depth + 1);
        };
    }

    private static Map<String, String> headers(Random random, Identity who) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (random.nextInt(10) < 8) {
            headers.put(
                    "Content-Type",
                    pick(
                            random,
                            List.of(
                                    "application/json",
                                    "application/json",
                                    "application/json; charset=utf-8",
                                    "text/plain",
                                    "application/x-www-form-urlencoded",
                                    "multipart/form-data; boundary=zzz",
                                    "application/xml",
                                    "%%%",
                                    "application/json; charset=bogus",
                                    "*/*",
                                    "application/problem+json")));
        }
        if (random.nextInt(3) == 0) {
            headers.put(
                    "Accept",
                    pick(
                            random,
                            List.of(
                                    "*/*",
                                    "application/json",
                                    "text/event-stream",
                                    "text/html",
                                    "application/xml",
                                    "image/png",
                                    "nonsense",
                                    "application/json;q=0")));
        }
        if (who.session() != null && random.nextInt(10) < 8) {
            headers.put(
                    "X-CSRF-Token",
                    random.nextInt(8) == 0
                            ? "forged." + UUID.randomUUID()
                            : who.session().csrfToken());
        }
        if (random.nextInt(6) == 0) {
            headers.put(
                    "Idempotency-Key",
                    pick(
                            random,
                            List.of(
                                    "",
                                    " ",
                                    "k-" + random.nextInt(5),
                                    "z".repeat(300),
                                    UUID.randomUUID().toString())));
        }
        if (random.nextInt(8) == 0) {
            headers.put(
                    "Last-Event-ID",
                    pick(random, List.of("", "x", UUID.randomUUID().toString())));
        }
        if (random.nextInt(4) == 0) {
            headers.put(
                    "X-Forwarded-For",
                    pick(
                            random,
                            List.of(
                                    "1.2.3.4",
                                    "garbage",
                                    "::1, 10.0.0.1",
                                    "999.999.999.999",
                                    "",
                                    "10.9.8." + random.nextInt(255) + ", 127.0.0.1",
                                    "[::1]",
                                    "a".repeat(500))));
        }
        if (random.nextInt(10) == 0) {
            headers.put("Origin", pick(random, List.of("https://evil.example", "null", "http://127.0.0.1", "file://")));
        }
        if (random.nextInt(15) == 0) {
            headers.put("Range", "bytes=0-10");
        }
        if (random.nextInt(15) == 0) {
            headers.put("X-Grafana-Secret", pick(random, List.of("wrong", "front-door-grafana-secret")));
        }
        return headers;
    }

    private static String mangle(Random random, String token) {
        int cut = random.nextInt(Math.max(1, token.length()));
        return token.substring(0, cut) + "A" + token.substring(Math.min(token.length(), cut + 1));
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "…(" + flat.length() + ")" : flat;
    }

    /** Two signed-in accounts exempt from rate limits, and real ids to aim at. */
    private final class Fixture {
        final Client user;
        final Client admin;
        final List<String> realIds = new ArrayList<>();

        Fixture() {
            user = Accounts.user(port, "fuzz-user");
            admin = Accounts.admin(port, "fuzz-admin");
            for (Client c : List.of(admin, user)) {
                admin.put("/api/v1/admin/rate-limits/" + c.userId(), Client.body("bypass_rate_limit", true));
            }
            realIds.add(user.execute("print('fuzz')"));
            realIds.add(admin.execute("print('fuzz admin')"));
            realIds.add(user.post(
                            "/api/v1/scripts",
                            Client.body("name", "fuzz", "script", "print(1)", "lang", "python", "lang_version", "3.11"))
                    .body()
                    .path("script_id")
                    .asText());
            for (int i = 0; i < 3; i++) {
                realIds.add(Accounts.user(port, "fuzz-victim").userId());
            }
            realIds.addAll(List.of("in_app", "webhook", "slack", "jvm.memory.used", "ping", "theme", "custom-key"));
        }
    }
}
