package bench.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.app.SandpodApplication;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.projections.execution.ExecutionReadModel;
import dev.sandpod.projections.user.UserReadModel;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * {@code GET /api/v1/user/executions?limit=50} over HTTP against the whole application on the embedded
 * default. The read model is seeded directly: {@code --executions} {@link ExecutionDocument}s inserted
 * with the application's MongoTemplate into the {@code executions} collection, as the projection stores
 * them; every ({@code executions / user-executions})-th one is owned by the demo account {@code user},
 * the rest by 97 other users; {@code createdAt} one second apart.
 */
final class QueryLatencyBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StoreBench.Options options;
    private final Map<String, String> results;

    /** Adds its lines to {@code results} as they come, so that a failure keeps the numbers measured before it. */
    QueryLatencyBench(StoreBench.Options options, Map<String, String> results) {
        this.options = options;
        this.results = results;
    }

    void run() throws Exception {
        // --data-dir: keep (or reuse) the data directory; an already seeded read model is not seeded again.
        Path dataDir = options.dataDir() != null ? Files.createDirectories(Path.of(options.dataDir()))
                : Files.createTempDirectory("sandpod-query-bench-");
        List<String> args = new ArrayList<>(List.of(
                "--sandpod.data-dir=" + dataDir,
                "--server.port=0",
                // 220 requests of one user in a few seconds: the API's per-user rate limit would answer 429.
                "--sandpod.rate-limit.enabled=false",
                "--logging.level.root=WARN",
                "--logging.level.dev.sandpod=INFO"));
        options.extraProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        long start = System.nanoTime();
        try (ConfigurableApplicationContext context = SpringApplication.run(SandpodApplication.class, args.toArray(String[]::new))) {
            System.out.printf(Locale.ROOT, "application started in %d ms, data dir %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), dataDir);
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String userId = demoUserId(context.getBean(UserReadModel.class));
            MongoTemplate mongo = context.getBean(MongoTemplate.class);
            long existing = mongo.count(new org.springframework.data.mongodb.core.query.Query(), ExecutionDocument.class);
            if (existing == 0) {
                seed(mongo, userId);
            } else {
                System.out.printf(Locale.ROOT, "reusing %d seeded execution documents in %s%n", existing, dataDir);
            }

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String cookie = login(http, port);
            measure(http, port, cookie, "/api/v1/user/executions?limit=50");
            measure(http, port, cookie, "/api/v1/user/executions?limit=50&skip=900");
            // Then where the time goes, every target in turn within each round, so that all see the same
            // neighbours, JIT state and background work: the floor of the protocol without the store (health)
            // and with a signed-in point read through the query bus (me), and the read model alone in process.
            ExecutionReadModel readModel = context.getBean(ExecutionReadModel.class);
            Map<String, java.util.concurrent.Callable<Object>> targets = new java.util.LinkedHashMap<>();
            for (String path : List.of("/api/v1/user/executions?limit=50", "/api/v1/user/executions?limit=50&skip=900",
                    "/api/v1/health/live", "/api/v1/auth/me")) {
                HttpRequest request = request(port, cookie, path);
                targets.put("GET " + path, () -> send(http, request));
            }
            targets.put("ExecutionReadModel.page limit=50",
                    () -> readModel.page(new FindUserExecutionsQuery(userId, null, null, null, null, 50, 0)));
            targets.put("ExecutionReadModel.page limit=50 skip=900",
                    () -> readModel.page(new FindUserExecutionsQuery(userId, null, null, null, null, 50, 900)));
            interleaved(targets);
        }
    }

    private static String demoUserId(UserReadModel users) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<String> id = users.byUsername("user").map(u -> u.userId());
            if (id.isPresent()) {
                return id.get();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the demo account 'user' did not appear in the read model");
    }

    private void seed(MongoTemplate mongo, String userId) {
        int total = options.executions();
        int every = Math.max(1, total / options.userExecutions());
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        long start = System.nanoTime();
        List<ExecutionDocument> batch = new ArrayList<>(1000);
        int own = 0;
        for (int i = 0; i < total; i++) {
            ExecutionDocument doc = new ExecutionDocument();
            doc.executionId = UUID.randomUUID().toString();
            boolean mine = i % every == 0 && own < options.userExecutions();
            own += mine ? 1 : 0;
            doc.userId = mine ? userId : "bench-user-" + (i % 97);
            doc.status = ExecutionStatus.COMPLETED;
            doc.script = "print('hello from execution " + i + "')";
            doc.lang = "python";
            doc.langVersion = "3.11";
            doc.priority = Priority.NORMAL;
            doc.stdout = "hello from execution " + i + "\n";
            doc.stderr = "";
            doc.exitCode = 0;
            doc.resourceUsage = new ResourceUsage(0.05, 3, 100, 9000);
            doc.createdAt = base.plusSeconds(i);
            doc.updatedAt = doc.createdAt.plusMillis(80);
            doc.lastSequence = 7;
            batch.add(doc);
            if (batch.size() == 1000) {
                mongo.insert(batch, ExecutionDocument.class);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            mongo.insert(batch, ExecutionDocument.class);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String line = String.format(Locale.ROOT, "%d documents (%d of the user) in %.1f s, %.0f docs/s", total, own,
                seconds, total / seconds);
        results.put("seed the executions read model", line);
        System.out.printf(Locale.ROOT, "seeded %s%n", line);
    }

    private static String login(HttpClient http, int port) throws Exception {
        String form = "username=" + URLEncoder.encode("user", StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode("user123", StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/auth/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + response.statusCode() + " " + response.body());
        }
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("access_token="))
                .map(c -> c.substring(0, c.indexOf(';')))
                .findFirst().orElseThrow();
    }

    private void measure(HttpClient http, int port, String cookie, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(120)).GET().build();
        long coldStart = System.nanoTime();
        JsonNode first;
        try {
            first = JSON.readTree(send(http, request));
        } catch (IllegalStateException e) {
            results.put("GET " + path, "FAILED after " + Stats.millis(System.nanoTime() - coldStart) + ": " + e.getMessage());
            System.out.printf(Locale.ROOT, "GET %s failed: %s%n", path, e.getMessage());
            return;
        }
        long cold = System.nanoTime() - coldStart;
        for (int i = 0; i < options.warmup(); i++) {
            send(http, request);
        }
        long[] samples = new long[options.requests()];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            send(http, request);
            samples[i] = System.nanoTime() - t;
        }
        String line = String.format(Locale.ROOT, "p50 %s p90 %s p99 %s max %s (first %s; %d requests; total=%s, items=%d)",
                Stats.millis(Stats.percentile(samples, 50)), Stats.millis(Stats.percentile(samples, 90)),
                Stats.millis(Stats.percentile(samples, 99)), Stats.millis(Stats.percentile(samples, 100)),
                Stats.millis(cold), samples.length, first.path("total").asText(), first.path("executions").size());
        results.put("GET " + path, line);
        System.out.printf(Locale.ROOT, "GET %s: %s%n", path, line);
    }

    private static HttpRequest request(int port, String cookie, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", cookie).timeout(Duration.ofSeconds(120)).GET().build();
    }

    private void interleaved(Map<String, java.util.concurrent.Callable<Object>> targets) throws Exception {
        for (int i = 0; i < options.warmup(); i++) {
            for (var call : targets.values()) {
                call.call();
            }
        }
        Map<String, long[]> samples = new java.util.LinkedHashMap<>();
        Map<String, long[]> cpu = new java.util.LinkedHashMap<>();
        targets.keySet().forEach(name -> {
            samples.put(name, new long[options.requests()]);
            cpu.put(name, new long[1]);
        });
        // The whole process's CPU time (all threads: HTTP, query bus, the embedded server, the client) per call:
        // much less at the neighbours' mercy than the wall time. Read at tick resolution, so only its mean over
        // the rounds means anything; the application's own background work is included.
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < options.requests(); i++) {
            for (var target : targets.entrySet()) {
                long c = os.getProcessCpuTime();
                long t = System.nanoTime();
                target.getValue().call();
                samples.get(target.getKey())[i] = System.nanoTime() - t;
                cpu.get(target.getKey())[0] += os.getProcessCpuTime() - c;
            }
        }
        samples.forEach((name, times) -> {
            String line = String.format(Locale.ROOT, "p50 %s p90 %s p99 %s max %s; cpu %s per call (%d rounds)",
                    Stats.millis(Stats.percentile(times, 50)), Stats.millis(Stats.percentile(times, 90)),
                    Stats.millis(Stats.percentile(times, 99)), Stats.millis(Stats.percentile(times, 100)),
                    Stats.millis(cpu.get(name)[0] / times.length), times.length);
            results.put("interleaved " + name, line);
            System.out.printf(Locale.ROOT, "interleaved %s: %s%n", name, line);
        });
    }

    private static String send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
