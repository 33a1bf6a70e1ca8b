package bench.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.app.SandpodApplication;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Issue 15's operations benchmark against the whole application on its embedded default (Mongo-wire server,
 * Kafka broker, local sandbox), over HTTP as an admin would:
 *
 * <ol>
 *   <li><b>lag</b>: real hello-world runs at {@code --runs-per-minute} (200) for {@code --lag-seconds} (60),
 *       from {@code --users} (10) accounts, while the processor list ({@code GET /api/v1/admin/projections})
 *       is read every {@code --sample-ms} (250); max and p99 lag in events per processor, and the runs'
 *       outcomes.
 *   <li><b>seed</b>: the store filled up to {@code --events} (100 000) events by copying the lag phase's real
 *       executions under new ids: each event read back from the event store, its payload and metadata
 *       serialized with the application's event serializer, the execution id replaced, deserialized, and
 *       appended through the application's storage engine in batches (no event bus: nothing but the
 *       tracking processors ever sees them). Every streaming processor is paused over the API meanwhile, and
 *       all but {@code executions} are then moved to the head of the store, so that only the executions
 *       read model handles the copies (the sagas and Kafka dispatch must not run them).
 *   <li><b>catch-up</b>: the processors resumed over the API; the executions projection reads the copies.
 *   <li><b>rebuild</b>: {@code POST /api/v1/admin/projections/executions/replay}, followed on
 *       {@code GET /api/v1/admin/projections/executions/stream} (SSE) until the rebuild is finished; the
 *       server's events/s and the wall time seen by the client, and the documents before and after.
 * </ol>
 *
 * Prints {@code uptime} before and after each timed phase: on the shared two-core machine the numbers follow
 * the neighbours' load.
 */
public final class OperationsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> RESULTS = new LinkedHashMap<>();

    private final Map<String, String> options;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int port;

    private OperationsBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("-D")) {
                extra.add("--" + args[i].substring(2));
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            }
        }
        int exit = 0;
        try {
            new OperationsBench(options).run(extra);
        } catch (Exception e) {
            // printed, then the JVM exits: the application's threads would otherwise keep it running
            e.printStackTrace();
            exit = 1;
        } finally {
            System.out.println();
            System.out.println("== results ==");
            RESULTS.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %s%n", k, v));
            // the two rates of the executions projection and the machine's load, on one line
            System.out.printf(
                    Locale.ROOT,
                    "SUMMARY rebuild %.0f ev/s server, %.0f ev/s to caught up seen by the client (floor 10 000: %s) |"
                            + " catch-up %.0f ev/s | load at rebuild end: %s | at catch-up end: %s%n",
                    rebuildRate,
                    rebuildCaughtUpRate,
                    Math.min(rebuildRate, rebuildCaughtUpRate) >= 10_000 ? "met" : "NOT met",
                    catchUpRate,
                    rebuildLoad,
                    catchUpLoad);
        }
        System.exit(exit);
    }

    private static double rebuildRate = Double.NaN;
    private static double catchUpRate = Double.NaN;
    private static double rebuildCaughtUpRate = Double.NaN;
    private static String rebuildLoad = "-";
    private static String catchUpLoad = "-";

    /** Kept for the summary at the end, and printed at once: a run cut short keeps what it measured. */
    private static void result(String name, String value) {
        RESULTS.put(name, value);
        System.out.printf(Locale.ROOT, "RESULT %-36s %s%n", name, value);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(fallback)));
    }

    void run(List<String> extra) throws Exception {
        Path dataDir = Files.createTempDirectory("sandpod-operations-bench-");
        List<String> args = new ArrayList<>(List.of(
                "--sandpod.data-dir=" + dataDir,
                "--server.port=" + option("port", 0),
                // 200 runs a minute from a few accounts and 4 requests a second of an admin: the API's per-user
                // limits (10 runs, 100 admin calls a minute) would answer 429
                "--sandpod.rate-limit.enabled=false",
                "--sandpod.security.bcrypt.cost=4",
                "--logging.level.root=WARN",
                "--logging.level.dev.sandpod.query.operations=INFO"));
        args.addAll(extra);
        long start = System.nanoTime();
        try (ConfigurableApplicationContext context =
                SpringApplication.run(SandpodApplication.class, args.toArray(String[]::new))) {
            port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            System.out.printf(Locale.ROOT, "application started in %d ms, data dir %s%n", ms(start), dataDir);
            String admin = login("admin", "admin123");

            List<String> runs = lag(admin);
            seed(context, admin, runs);
            rebuild(context, admin);
        }
    }

    // ---------------------------------------------------------------------------------------------- lag

    private List<String> lag(String admin) throws Exception {
        int perMinute = option("runs-per-minute", 200);
        int seconds = option("lag-seconds", 60);
        int userCount = option("users", 40);
        int sampleMs = option("sample-ms", 250);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            String name = "bench" + UUID.randomUUID().toString().substring(0, 8);
            register(name);
            users.add(login(name, "pw-" + name + "-123"));
        }
        awaitCaughtUp(admin, Duration.ofSeconds(60));
        System.out.println("uptime before lag phase: " + uptime());
        List<String> ids = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        Map<String, List<Long>> lags = new ConcurrentHashMap<>();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(4);
        long periodMicros = 60_000_000L / perMinute;
        int total = perMinute * seconds / 60;
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        var submitting = clock.scheduleAtFixedRate(
                () -> {
                    int n = sent.getAndIncrement();
                    if (n >= total) {
                        return;
                    }
                    try {
                        HttpResponse<String> reply = send(users.get(n % users.size()), "POST", "/api/v1/execute",
                                "{\"script\":\"print('hello world')\",\"lang\":\"python\",\"lang_version\":\"3.11\"}");
                        if (reply.statusCode() == 202 || reply.statusCode() == 200) {
                            ids.add(JSON.readTree(reply.body()).get("execution_id").asText());
                        } else {
                            refused.incrementAndGet();
                            System.out.println("run refused: " + reply.statusCode() + " " + reply.body());
                        }
                    } catch (Exception e) {
                        refused.incrementAndGet();
                        System.out.println("run request failed: " + e);
                    }
                },
                0, periodMicros, TimeUnit.MICROSECONDS);
        var sampling = clock.scheduleAtFixedRate(
                () -> {
                    try {
                        JsonNode list = JSON.readTree(send(admin, "GET", "/api/v1/admin/projections", null).body());
                        for (JsonNode p : list.get("processors")) {
                            if (p.hasNonNull("lag")) {
                                lags.computeIfAbsent(p.get("name").asText(), k -> new CopyOnWriteArrayList<>())
                                        .add(p.get("lag").asLong());
                            }
                        }
                    } catch (Exception e) {
                        System.out.println("sample failed: " + e);
                    }
                },
                0, sampleMs, TimeUnit.MILLISECONDS);
        while (sent.get() < total) {
            Thread.sleep(200);
        }
        submitting.cancel(false);
        double submitSeconds = (System.nanoTime() - started) / 1e9;
        // keep sampling until every run has its result
        Map<String, Integer> outcomes = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (String id : ids) {
            String status = "pending";
            while (System.nanoTime() < deadline) {
                status = resultStatus(admin, id);
                if (!status.equals("queued") && !status.equals("running") && !status.equals("scheduled")
                        && !status.equals("pending") && !status.equals("missing")) {
                    break;
                }
                Thread.sleep(200);
            }
            outcomes.merge(status, 1, Integer::sum);
        }
        sampling.cancel(false);
        clock.shutdownNow();
        System.out.println("uptime after lag phase: " + uptime());
        result("lag phase", String.format(Locale.ROOT, "%d runs requested in %.1f s (%.0f runs/min), %d refused; outcomes %s; samples every %d ms",
                total, submitSeconds, ids.size() / submitSeconds * 60, refused.get(), outcomes, sampleMs));
        new TreeMap<>(lags).forEach((name, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            long max = sorted.get(sorted.size() - 1);
            long p99 = sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
            long p50 = sorted.get(sorted.size() / 2);
            result("  lag " + name, String.format(Locale.ROOT, "p50 %d, p99 %d, max %d events (%d samples)",
                    p50, p99, max, sorted.size()));
        });
        return ids;
    }

    private String resultStatus(String admin, String id) throws Exception {
        HttpResponse<String> reply = send(admin, "GET", "/api/v1/executions/" + id + "/result", null);
        if (reply.statusCode() != 200) {
            return "missing";
        }
        return JSON.readTree(reply.body()).get("status").asText();
    }

    // ---------------------------------------------------------------------------------------------- seed

    private static final java.util.Set<String> ENDED = java.util.Set.of(
            "ExecutionCompletedEvent", "ExecutionFailedEvent", "ExecutionErroredEvent", "ExecutionTimedOutEvent",
            "ExecutionCancelledEvent", "ExecutionStoppedEvent");

    private void seed(ConfigurableApplicationContext context, String admin, List<String> templates) throws Exception {
        int target = option("events", 100_000);
        MongoTemplate mongo = context.getBean(MongoTemplate.class);
        EventStore eventStore = context.getBean(EventStore.class);
        EventStorageEngine engine = context.getBean(EventStorageEngine.class);
        Serializer serializer = context.getBean("eventSerializer", Serializer.class);
        TokenStore tokens = context.getBean(TokenStore.class);

        List<List<DomainEventMessage<?>>> executions = new ArrayList<>();
        for (String id : templates) {
            List<DomainEventMessage<?>> events = new ArrayList<>();
            eventStore.readEvents(id).forEachRemaining(events::add);
            // Only runs that have ended: a copy of a run still queued or running would be picked up by the queue
            // reconciler or the lost-run sweeper (they act on the read model) and append events, i.e. real runs
            // and store commits, during the timed phases.
            if (!events.isEmpty() && events.stream().anyMatch(e -> ENDED.contains(e.getPayloadType().getSimpleName()))) {
                executions.add(events);
            }
        }
        System.out.printf(Locale.ROOT, "seed templates: %d of %d runs have ended%n", executions.size(), templates.size());
        if (executions.isEmpty()) {
            throw new IllegalStateException("no executions to copy");
        }
        long existing = mongo.getCollection("domainevents").countDocuments();
        List<String> streaming = new ArrayList<>();
        Map<String, String> kinds = new HashMap<>();
        for (JsonNode p : JSON.readTree(send(admin, "GET", "/api/v1/admin/projections", null).body()).get("processors")) {
            if (p.get("processor_type").asText().equals("pooled_streaming")) {
                streaming.add(p.get("name").asText());
                kinds.put(p.get("name").asText(), p.get("kind").asText());
            }
        }
        for (String name : streaming) {
            check(send(admin, "POST", "/api/v1/admin/projections/" + name + "/pause", null), 200);
        }

        long started = System.nanoTime();
        long appended = 0;
        List<EventMessage<?>> batch = new ArrayList<>(1000);
        int copy = 0;
        while (existing + appended + batch.size() < target) {
            List<DomainEventMessage<?>> template = executions.get(copy++ % executions.size());
            String oldId = template.get(0).getAggregateIdentifier();
            String newId = UUID.randomUUID().toString();
            for (DomainEventMessage<?> event : template) {
                SerializedObject<String> payload = serializer.serialize(event.getPayload(), String.class);
                Object copied = serializer.deserialize(new org.axonframework.serialization.SimpleSerializedObject<>(
                        payload.getData().replace(oldId, newId), String.class, payload.getType()));
                Map<String, Object> metaData = new HashMap<>();
                event.getMetaData().forEach((k, v) -> metaData.put(k, v instanceof String s ? s.replace(oldId, newId) : v));
                batch.add(new GenericDomainEventMessage<>(
                        event.getType(), newId, event.getSequenceNumber(), copied, MetaData.from(metaData)));
            }
            if (batch.size() >= 1000) {
                engine.appendEvents(batch);
                appended += batch.size();
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            engine.appendEvents(batch);
            appended += batch.size();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long total = mongo.getCollection("domainevents").countDocuments();
        result("seed", String.format(Locale.ROOT, "%d events appended (%d executions copied from %d real runs) in %.1f s, %.0f ev/s; store holds %d events",
                appended, copy, executions.size(), seconds, appended / seconds, total));
        System.out.println(RESULTS.get("seed"));

        // Everything but the executions projection skips the copies: sagas and Kafka dispatch must never see them.
        TrackingToken head = eventStore.createHeadToken();
        for (String name : streaming) {
            if (name.equals("executions")) {
                continue;
            }
            for (int segment : tokens.fetchSegments(name)) {
                tokens.fetchToken(name, segment);
                tokens.storeToken(head, name, segment);
                tokens.releaseClaim(name, segment);
            }
        }
        System.out.println("uptime before catch-up: " + uptime());
        long caughtUpStart = System.nanoTime();
        for (String name : streaming) {
            check(send(admin, "POST", "/api/v1/admin/projections/" + name + "/resume", null), 200);
        }
        awaitCaughtUp(admin, Duration.ofMinutes(10));
        double catchUp = (System.nanoTime() - caughtUpStart) / 1e9;
        catchUpRate = appended / catchUp;
        catchUpLoad = loadAverages(uptime());
        result("catch-up of executions", String.format(Locale.ROOT, "%d events in %.1f s, %.0f ev/s (uptime %s)",
                appended, catchUp, appended / catchUp, uptime()));
        System.out.println(RESULTS.get("catch-up of executions"));
    }

    // ---------------------------------------------------------------------------------------------- rebuild

    private void rebuild(ConfigurableApplicationContext context, String admin) throws Exception {
        MongoTemplate mongo = context.getBean(MongoTemplate.class);
        long executionsBefore = mongo.getCollection("executions").countDocuments();
        long framesBefore = mongo.getCollection("execution_frames").countDocuments();
        String loadBefore = uptime();
        System.out.println("uptime before rebuild: " + loadBefore);
        long started = System.nanoTime();
        HttpResponse<String> reply = send(admin, "POST", "/api/v1/admin/projections/executions/replay", null);
        check(reply, 202);
        long accepted = ms(started);
        HttpRequest stream = HttpRequest.newBuilder(uri("/api/v1/admin/projections/executions/stream"))
                .header("Cookie", admin.split("\n")[0])
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<java.io.InputStream> sse = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        JsonNode last = null;
        int frames = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    continue;
                }
                JsonNode view = JSON.readTree(line.substring(5));
                JsonNode replay = view.get("replay");
                frames++;
                if (replay != null && !replay.isNull()) {
                    System.out.printf(Locale.ROOT, "  %6.1f s  %-9s %5.1f %%  %,9d / %,d  %8.0f ev/s  eta %s s%n",
                            (System.nanoTime() - started) / 1e9, replay.get("status").asText(),
                            replay.get("progress_percent").asDouble(), replay.get("position").asLong(),
                            replay.get("target").asLong(), replay.get("events_per_second").asDouble(),
                            replay.get("eta_seconds").asText());
                    last = replay;
                    if (!replay.get("status").asText().equals("replaying")) {
                        break;
                    }
                }
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        String loadAfter = uptime();
        awaitCaughtUp(admin, Duration.ofMinutes(10));
        // The client's own end: every processor with lag 0 and none replaying, whatever the server's figure says.
        double caughtUp = (System.nanoTime() - started) / 1e9;
        long target = last == null ? 0 : last.get("target").asLong();
        result("  rebuild caught up", String.format(Locale.ROOT,
                "%.1f s from the POST to lag 0 in the processor list = %.0f ev/s (uptime %s)",
                caughtUp, target / caughtUp, uptime()));
        rebuildCaughtUpRate = target / caughtUp;
        long executionsAfter = mongo.getCollection("executions").countDocuments();
        long framesAfter = mongo.getCollection("execution_frames").countDocuments();
        result("rebuild of executions", String.format(Locale.ROOT,
                "%s: %d events, server %.0f ev/s (%s to %s), client %.1f s from POST to the finished frame = %.0f ev/s; floor 10 000 ev/s: %s",
                last == null ? "no progress seen" : last.get("status").asText(),
                last == null ? 0 : last.get("target").asLong(),
                last == null ? 0 : last.get("events_per_second").asDouble(),
                last == null ? "?" : last.get("started_at").asText(),
                last == null ? "?" : last.get("finished_at").asText(),
                wall, last == null ? 0 : last.get("target").asLong() / wall,
                last != null && last.get("events_per_second").asDouble() >= 10_000 ? "met" : "NOT met"));
        rebuildRate = last == null ? 0 : last.get("events_per_second").asDouble();
        rebuildLoad = loadAverages(loadAfter);
        result("  rebuild progress", frames + " SSE frames; POST answered in " + accepted + " ms");
        result("  rebuild load", "uptime before: " + loadBefore + " | after: " + loadAfter);
        result("  documents", String.format(Locale.ROOT, "executions %d -> %d, execution_frames %d -> %d",
                executionsBefore, executionsAfter, framesBefore, framesAfter));
    }

    // ---------------------------------------------------------------------------------------------- http

    private void awaitCaughtUp(String admin, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(send(admin, "GET", "/api/v1/admin/projections", null).body());
            boolean all = true;
            for (JsonNode p : list.get("processors")) {
                if (p.hasNonNull("lag") && (p.get("lag").asLong() > 0 || p.get("state").asText().equals("replaying"))) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("processors did not catch up in " + timeout);
    }

    private void register(String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/auth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "username", name, "email", name + "@example.test", "password", "pw-" + name + "-123"))))
                .build();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() >= 300) {
            throw new IllegalStateException("register " + name + ": " + reply.statusCode() + " " + reply.body());
        }
    }

    /** "Cookie header\nCSRF token" of a signed-in session. */
    private String login(String username, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v1/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        check(reply, 200);
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : reply.headers().allValues("set-cookie")) {
            String pair = header.split(";", 2)[0];
            cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return "access_token=" + cookies.get("access_token") + "; csrf_token=" + cookies.get("csrf_token") + "\n"
                + cookies.get("csrf_token");
    }

    private HttpResponse<String> send(String session, String method, String path, String body) throws Exception {
        String[] parts = session.split("\n");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .header("Cookie", parts[0])
                .header("X-CSRF-Token", parts[1]);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static void check(HttpResponse<String> reply, int status) {
        if (reply.statusCode() != status) {
            throw new IllegalStateException(reply.request().method() + " " + reply.request().uri() + ": "
                    + reply.statusCode() + " " + reply.body());
        }
    }

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The load averages of an {@code uptime} line (1, 5, 15 min), or the line itself if it has none. */
    static String loadAverages(String uptime) {
        int at = uptime.indexOf("load average");
        return at < 0 ? uptime.trim() : uptime.substring(at).trim();
    }

    static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out.substring(out.indexOf("load average"));
        } catch (Exception e) {
            return "uptime: " + e.getMessage();
        }
    }
}
