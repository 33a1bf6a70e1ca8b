package dev.sandpod.executor.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's Kubernetes mock API server in CRUD mode, with the three things a run needs that CRUD mode lacks:
 * container logs (CRUD mode answers {@code /log} with a pod list), server-side apply (CRUD
 * mode only knows JSON and merge patches: an apply is recorded, then stored as a create or a merge), and on demand
 * a watch that ends with a 410 Gone ERROR event, as an API server's does when the watched resourceVersion is too
 * old.
 */
final class SimulatedCluster implements AutoCloseable {

    private static final Pattern LOG = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?$");

    /** A server-side apply request as the executor sent it. */
    record Applied(String path, String contentType, String body) {}

    private final Map<String, String> logs = new ConcurrentHashMap<>();
    private final List<String> logRequests = new CopyOnWriteArrayList<>();
    private final List<Applied> applied = new CopyOnWriteArrayList<>();
    private final AtomicInteger goneWatches = new AtomicInteger();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private boolean closed;

    SimulatedCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(
                new Context(Serialization.jsonMapper()), new MockWebServer(), responses, new Api(responses), false);
        server.init();
        client = server.createClient();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "simulated-cluster-stop"));
    }

    /** The API server URL for the executor under test. */
    String url() {
        return client.getConfiguration().getMasterUrl();
    }

    /** A client of its own, for the simulated kubelet and for assertions. */
    NamespacedKubernetesClient client() {
        return client;
    }

    SimulatedKubelet kubelet(String namespace) {
        return new SimulatedKubelet(this, namespace);
    }

    void log(String namespace, String pod, String text) {
        logs.put(namespace + "/" + pod, text);
    }

    /**
     * What a kubelet answers for a log request: {@code tailLines} first (the last n lines), then {@code limitBytes}
     * (the head of what is left).
     */
    static String kubeletWindow(String text, String query) {
        String result = text;
        Matcher tail = Pattern.compile("[?&]tailLines=(\\d+)").matcher(query == null ? "" : query);
        if (tail.find()) {
            int lines = Integer.parseInt(tail.group(1));
            List<String> all = result.lines().toList();
            result = all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                    .map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining());
        }
        Matcher limit = Pattern.compile("[?&]limitBytes=(\\d+)").matcher(query == null ? "" : query);
        if (limit.find()) {
            byte[] bytes = result.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int n = (int) Math.min(bytes.length, Long.parseLong(limit.group(1)));
            result = new String(bytes, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return result;
    }

    List<String> logRequests() {
        return List.copyOf(logRequests);
    }

    List<Applied> applied() {
        return List.copyOf(applied);
    }

    /** The next {@code n} watch requests are answered 410 Gone. */
    void failNextWatchesWithGone(int n) {
        goneWatches.set(n);
    }

    int pendingGoneWatches() {
        return goneWatches.get();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.close();
            server.destroy();
        }
    }

    private final class Api extends KubernetesMixedDispatcher {

        Api(Map<ServerRequest, Queue<ServerResponse>> responses) {
            super(responses);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (request.method() == HttpMethod.GET) {
                Matcher log = LOG.matcher(path);
                if (log.matches()) {
                    logRequests.add(path);
                    String text = logs.get(log.group(1) + "/" + log.group(2));
                    return text == null
                            ? new MockResponse().setResponseCode(404)
                            : new MockResponse().setResponseCode(200).setBody(kubeletWindow(text, log.group(3)));
                }
                if (path.contains("watch=true") && goneWatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    // What an API server sends when the watched version has been compacted away.
                    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            webSocket.send("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                    + "\"status\":\"Failure\",\"message\":\"too old resource version\","
                                    + "\"reason\":\"Expired\",\"code\":410}}");
                        }
                    });
                }
            }
            String contentType = request.getHeader("Content-Type");
            if (request.method() == HttpMethod.PATCH && contentType != null && contentType.contains("apply-patch")) {
                return apply(request, contentType);
            }
            return super.dispatch(request);
        }

        private MockResponse apply(RecordedRequest request, String contentType) {
            String body = request.getBody().readUtf8();
            applied.add(new Applied(request.getPath(), contentType, body));
            String json = Serialization.asJson(Serialization.unmarshal(body, GenericKubernetesResource.class));
            String path = request.getPath().split("\\?")[0];
            MockResponse existing = super.dispatch(request(HttpMethod.GET, path, null, null));
            if (existing.code() == 200) {
                return super.dispatch(request(HttpMethod.PATCH, path, "application/merge-patch+json", json));
            }
            return super.dispatch(
                    request(HttpMethod.POST, path.substring(0, path.lastIndexOf('/')), "application/json", json));
        }

        private RecordedRequest request(HttpMethod method, String path, String contentType, String body) {
            Headers.Builder headers = Headers.builder();
            if (contentType != null) {
                headers.add("Content-Type", contentType);
            }
            return new RecordedRequest(
                    "HTTP/1.1",
                    method,
                    path,
                    headers.build(),
                    new Buffer(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
