package dev.sandpod.app.journey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/** A signed-in client of the real HTTP API, as a REST client would hold it: two cookies and the CSRF header. */
public final class ApiSession {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public record Reply(int status, JsonNode body) {}

    private final WebClient client;
    private final String accessToken;
    private final String csrfToken;

    private ApiSession(WebClient client, String accessToken, String csrfToken) {
        this.client = client;
        this.accessToken = accessToken;
        this.csrfToken = csrfToken;
    }

    public static WebClient clientFor(int port) {
        return WebClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
                .build();
    }

    public static ApiSession login(int port, String username, String password) {
        WebClient client = clientFor(port);
        var response = client.post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", password))
                .retrieve()
                .toEntity(String.class)
                .block(TIMEOUT);
        if (response == null || !response.getStatusCode().is2xxSuccessful()) {
            throw new IllegalStateException("login failed: " + response);
        }
        List<String> setCookies = response.getHeaders().get("Set-Cookie");
        String access = cookie(setCookies, "access_token");
        String csrf = cookie(setCookies, "csrf_token");
        return new ApiSession(client, access, csrf);
    }

    public static Reply anonymous(int port, String method, String path, Object body) {
        var spec = clientFor(port)
                .method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path);
        if (body != null) {
            spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        }
        return spec.exchangeToMono(r -> r.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(r.statusCode().value(), parse(b))))
                .block(TIMEOUT);
    }

    private static String cookie(List<String> setCookies, String name) {
        return setCookies.stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no cookie " + name));
    }

    /** The same signed-in client, talking to another instance of the same deployment (same stores, same key). */
    public ApiSession at(int port) {
        return new ApiSession(clientFor(port), accessToken, csrfToken);
    }

    /** The session cookie's value (a JWT). */
    public String accessToken() {
        return accessToken;
    }

    public String csrfToken() {
        return csrfToken;
    }

    public Reply get(String path) {
        return exchange("GET", path, null, true);
    }

    public Reply post(String path, Object body) {
        return exchange("POST", path, body, true);
    }

    Reply put(String path, Object body) {
        return exchange("PUT", path, body, true);
    }

    Reply delete(String path) {
        return exchange("DELETE", path, null, true);
    }

    /** A POST with the cookies but without the X-CSRF-Token header. */
    public Reply postWithoutCsrfHeader(String path) {
        return exchange("POST", path, Map.of("script", "print(1)", "lang", "python", "lang_version", "3.11"), false);
    }

    Reply postWithoutCsrf(String path, Object body) {
        return exchange("POST", path, body, false);
    }

    Reply exchange(String method, String path, Object body, boolean withCsrf) {
        return exchange(method, path, body, withCsrf, Map.of());
    }

    Reply exchange(String method, String path, Object body, boolean withCsrf, Map<String, String> headers) {
        var spec = client.method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path)
                .cookie("access_token", accessToken)
                .cookie("csrf_token", csrfToken);
        if (withCsrf) {
            spec.header("X-CSRF-Token", csrfToken);
        }
        headers.forEach(spec::header);
        if (body != null) {
            spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        }
        return spec.exchangeToMono(r -> r.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(r.statusCode().value(), parse(b))))
                .block(TIMEOUT);
    }

    String execute(String script) {
        Reply reply = post("/api/v1/execute", Map.of("script", script, "lang", "python", "lang_version", "3.11"));
        if (reply.status() != 200) {
            throw new IllegalStateException("execute failed: " + reply);
        }
        return reply.body().get("execution_id").asText();
    }

    public String execute(String lang, String version, String script) {
        Reply reply = post("/api/v1/execute", Map.of("script", script, "lang", lang, "lang_version", version));
        if (reply.status() != 200) {
            throw new IllegalStateException("execute failed: " + reply);
        }
        return reply.body().get("execution_id").asText();
    }

    /** The execution's SSE data frames as they arrive. */
    public reactor.core.publisher.Flux<JsonNode> frames(String executionId) {
        return client.get()
                .uri("/api/v1/events/executions/" + executionId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .filter(event -> event.data() != null)
                .map(event -> parse(event.data()));
    }

    /** Every SSE event of the stream, heartbeat comments included, until the server closes it. */
    List<ServerSentEvent<String>> rawStream(String executionId, Duration limit) {
        return client.get()
                .uri("/api/v1/events/executions/" + executionId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken)
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .collectList()
                .block(limit);
    }

    /** Reads the execution's SSE stream to its end (the server closes it), returning every data frame. */
    public List<JsonNode> stream(String executionId, String lastEventId, Duration limit) {
        var spec = client.get()
                .uri("/api/v1/events/executions/" + executionId)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken);
        if (lastEventId != null) {
            spec.header("Last-Event-ID", lastEventId);
        }
        return spec.retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {})
                .filter(event -> event.data() != null)
                .map(event -> parse(event.data()))
                .collectList()
                .block(limit);
    }

    public JsonNode awaitResult(String executionId) {
        List<JsonNode> frames = stream(executionId, null, Duration.ofSeconds(60));
        return frames.get(frames.size() - 1).get("result");
    }

    /**
     * An admin's browse of one execution's indexed events ({@code events}, oldest first), once the run's
     * {@code result_stored} is among them (the event index follows the store asynchronously).
     */
    public JsonNode awaitIndexedRun(String executionId) {
        Map<String, Object> byAggregate = Map.of("filters", Map.of("aggregate_id", executionId));
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> post("/api/v1/admin/events/browse", byAggregate)
                                .body()
                                .get("events"),
                        events -> events != null && events.toString().contains("result_stored"));
    }

    /** Hides (an admin's delete, answered 200) the first indexed event of a finished execution; its event id. */
    public String hideFirstIndexedEvent(String executionId) {
        String eventId = awaitIndexedRun(executionId).get(0).get("event_id").asText();
        Reply reply = delete("/api/v1/admin/events/" + eventId);
        if (reply.status() != 200) {
            throw new IllegalStateException("hiding " + eventId + " failed: " + reply);
        }
        return eventId;
    }

    /** Registers a new user (role user) with that name and signs it in. */
    static ApiSession register(int port, String username) {
        String password = "pw-" + username + "-123";
        Reply reply = anonymous(
                port,
                "POST",
                "/api/v1/auth/register",
                Map.of("username", username, "email", username + "@example.test", "password", password));
        // 409: a retried request (the client retries once on a connection closed early) registered it already
        if (reply.status() != 200 && reply.status() != 201 && reply.status() != 409) {
            throw new IllegalStateException("register failed: " + reply);
        }
        return login(port, username, password);
    }

    /** The notification stream's raw server-sent events: comments (connected, heartbeat) and notification frames. */
    reactor.core.publisher.Flux<ServerSentEvent<String>> notificationEvents() {
        return notificationEvents(null);
    }

    /** The notification stream, resumed after {@code lastEventId} when it is not null. */
    reactor.core.publisher.Flux<ServerSentEvent<String>> notificationEvents(String lastEventId) {
        return client.get()
                .uri("/api/v1/events/notifications/stream")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .cookie("access_token", accessToken)
                .headers(headers -> {
                    if (lastEventId != null) {
                        headers.set("Last-Event-ID", lastEventId);
                    }
                })
                .retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {});
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
