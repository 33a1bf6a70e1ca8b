package bench.audit;

import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionRunningEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.projections.eventindex.EventIndexCounters;
import dev.sandpod.query.audit.EventIndexQueries;
import dev.sandpod.projections.eventindex.EventIndexDocument;
import dev.sandpod.projections.eventindex.EventIndexProjection;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The event browser at scale: the whole application on its embedded default, the event index seeded
 * directly with {@code --events} (100 000) entries made by the projection's own {@code document(..)} from
 * real event messages (five execution event types and their runs, 100 users, spread over the last 160 hours),
 * then, signed in as admin over HTTP: browse with a type and time filter, browse unfiltered, stats over
 * 168 h, detail, and the CSV and JSON exports of every event, with the heap in use sampled meanwhile.
 */
public final class AuditBench {

    private static final int USERS = 100;

    public static void main(String[] argv) throws Exception {
        int events = intOption(argv, "--events", 100_000);
        int requests = intOption(argv, "--requests", 50);
        Path dataDir = Files.createTempDirectory("sandpod-audit-bench-");
        String[] args = {
            "--sandpod.data-dir=" + dataDir,
            "--server.port=0",
            "--sandpod.rate-limit.enabled=false",
            "--logging.level.root=WARN"
        };
        try (ConfigurableApplicationContext context = SpringApplication.run(SandpodApplication.class, args)) {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            MongoTemplate mongo = context.getBean(MongoTemplate.class);
            System.out.println("targets: browse with type+time p50 <= 100 ms at 100 000 events; stats?hours=168 answers"
                    + " (counters, not a scan); exports stream with the heap flat (peak close to before)");
            System.out.println("load before seeding: " + load());
            Instant newest = seed(mongo, events);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String cookie = login(http, port);
            System.out.println("load after seeding: " + load());
            Instant from = newest.minus(Duration.ofHours(48));
            String typed = "{\"filters\":{\"event_types\":[\"execution_completed\"],\"start_time\":\"" + from
                    + "\",\"end_time\":\"" + newest + "\"},\"limit\":50}";
            time(http, requests, "POST browse type+time limit=50", post(port, cookie, "/api/v1/admin/events/browse", typed));
            EventIndexQueries queries = context.getBean(EventIndexQueries.class);
            EventIndexQueries.Filter filter = new EventIndexQueries.Filter(
                    List.of("execution_completed"), null, null, null, from, newest, null, null);
            direct(requests, "  in-process browse type+time (no HTTP)", () -> queries.browse(filter, 0, 50));
            time(http, requests, "POST browse unfiltered limit=50",
                    post(port, cookie, "/api/v1/admin/events/browse", "{\"filters\":{},\"limit\":50}"));
            time(http, requests, "POST browse unfiltered skip=5000",
                    post(port, cookie, "/api/v1/admin/events/browse", "{\"filters\":{},\"skip\":5000,\"limit\":50}"));
            time(http, Math.max(3, requests / 10), "GET stats?hours=168", get(port, cookie, "/api/v1/admin/events/stats?hours=168"));
            String someId = mongo.findOne(new org.springframework.data.mongodb.core.query.Query(), EventIndexDocument.class).eventId;
            time(http, requests, "GET detail", get(port, cookie, "/api/v1/admin/events/" + someId));
            for (String format : List.of("csv", "json")) {
                export(http, get(port, cookie, "/api/v1/admin/events/export/" + format + "?limit=" + events), format);
            }
            System.out.println("load at the end: " + load());
        }
    }

    private static Instant seed(MongoTemplate mongo, int events) {
        long start = System.nanoTime();
        Instant newest = Instant.now();
        long spanMillis = Duration.ofHours(160).toMillis();
        List<EventIndexDocument> batch = new ArrayList<>(1000);
        String[] users = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            users[i] = UUID.randomUUID().toString();
        }
        int runs = events / 5;
        for (int run = 0; run < runs; run++) {
            String executionId = UUID.randomUUID().toString();
            String user = users[run % USERS];
            String trace = UUID.randomUUID().toString();
            Instant at = newest.minusMillis(spanMillis * (runs - run) / runs);
            ExecutionOutcome outcome = new ExecutionOutcome("hello " + run + "\n", "", false, false, 0, null, null,
                    new ResourceUsage(0.05 + (run % 10) / 100.0, 3, 100, 9000));
            Object[] payloads = {
                new ExecutionRequestedEvent(executionId, user, "print('hello " + run + "')", "python", "3.11", Priority.NORMAL),
                new ExecutionQueuedEvent(executionId, user, Priority.NORMAL),
                new ExecutionRunningEvent(executionId),
                new ExecutionCompletedEvent(executionId, outcome),
                new ResultStoredEvent(executionId, ExecutionStatus.COMPLETED)
            };
            for (int seq = 0; seq < payloads.length; seq++) {
                var message = new GenericDomainEventMessage<>("Execution", executionId, seq, payloads[seq],
                        MetaData.from(Map.of("userId", user, "traceId", trace, "correlationId", trace,
                                "clientIp", "10.0.0." + (run % 200), "requestId", "req-" + run)),
                        UUID.randomUUID().toString(), at.plusMillis(seq * 20L));
                batch.add(EventIndexProjection.document(message, user));
                if (batch.size() == 1000) {
                    mongo.insert(batch, EventIndexDocument.class);
                    EventIndexCounters.addAll(mongo, batch);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            mongo.insert(batch, EventIndexDocument.class);
            EventIndexCounters.addAll(mongo, batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "seeded %d event index entries in %.1f s (%.0f/s)%n", runs * 5, seconds, runs * 5 / seconds);
        return newest.plusSeconds(1);
    }

    private static void time(HttpClient http, int requests, String name, HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        String first = send(http, request);
        long cold = System.nanoTime() - t0;
        for (int i = 0; i < 5; i++) {
            send(http, request);
        }
        long[] samples = new long[requests];
        long cpu0 = processCpu();
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            send(http, request);
            samples[i] = System.nanoTime() - t;
        }
        double cpuPerRequest = ms(processCpu() - cpu0) / requests;
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "%-36s p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  cpu/request %5.1f ms  (first %.1f ms, %d requests, %s)%n",
                name, ms(samples[samples.length / 2]), ms(samples[Math.min(samples.length - 1, (int) Math.ceil(samples.length * 0.99) - 1)]),
                ms(samples[samples.length - 1]), cpuPerRequest, ms(cold), requests,
                first.length() > 80 ? first.substring(0, 80).replace('\n', ' ') + "…" : first);
    }

    private static void direct(int requests, String name, java.util.concurrent.Callable<?> call) throws Exception {
        for (int i = 0; i < 5; i++) {
            call.call();
        }
        long[] samples = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            call.call();
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        System.out.printf(Locale.ROOT, "%-36s p50 %6.1f ms  p99 %6.1f ms%n", name, ms(samples[samples.length / 2]),
                ms(samples[Math.min(samples.length - 1, (int) Math.ceil(samples.length * 0.99) - 1)]));
    }

    /** What the old generation held after its last collection: the live data, without uncollected garbage. */
    private static long oldGenAfterGc() {
        long used = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getName().contains("Old")
                    && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    /** CPU time of this process (server, store and client threads together), in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The machine's load averages (1, 5, 15 min) and cores, as uptime prints them. */
    private static String load() {
        try {
            String[] avg = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return "load average " + avg[0] + ", " + avg[1] + ", " + avg[2] + " on "
                    + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (Exception e) {
            return "load unknown (" + e.getMessage() + ")";
        }
    }

    private static void export(HttpClient http, HttpRequest request, String format) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(before);
        long oldBefore = oldGenAfterGc();
        AtomicLong oldPeak = new AtomicLong(oldBefore);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                oldPeak.accumulateAndGet(oldGenAfterGc(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long t = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        long lines = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        long elapsed = System.nanoTime() - t;
        sampler.interrupt();
        sampler.join();
        System.out.printf(Locale.ROOT,
                "GET export/%-4s %d: %.1f s, %.1f MB, %d lines; heap in use %d MB before, peak %d MB during (max heap %d MB)%n",
                format, response.statusCode(), elapsed / 1e9, bytes / 1e6, lines, before >> 20, peak.get() >> 20,
                memory.getHeapMemoryUsage().getMax() >> 20);
        System.out.printf(Locale.ROOT,
                "    live heap (old generation after each GC): %d MB before, at most %d MB during%n",
                oldBefore >> 20, oldPeak.get() >> 20);
    }

    private static String login(HttpClient http, int port) throws Exception {
        String form = "username=admin&password=" + URLEncoder.encode("admin123", StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + response.statusCode() + " " + response.body());
        }
        List<String> cookies = response.headers().allValues("Set-Cookie");
        String access = cookies.stream().filter(c -> c.startsWith("access_token=")).map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        String csrf = cookies.stream().filter(c -> c.startsWith("csrf_token=")).map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        return access + "; " + csrf;
    }

    private static HttpRequest get(int port, String cookie, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(600)).GET().build();
    }

    private static HttpRequest post(int port, String cookie, String path, String json) {
        String csrf = cookie.substring(cookie.indexOf("csrf_token=") + "csrf_token=".length());
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", cookie).header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static String send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static int intOption(String[] argv, String name, int fallback) {
        for (int i = 0; i + 1 < argv.length; i++) {
            if (argv[i].equals(name)) {
                return Integer.parseInt(argv[i + 1]);
            }
        }
        return fallback;
    }
}
