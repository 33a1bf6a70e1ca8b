package dev.sandpod.app.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A client of the real HTTP API for the front-door tests: signed in or not, from a chosen client address
 * (sent as {@code X-Forwarded-For}; the test contexts trust the loopback proxy), seeing every status, header
 * and body.
 */
final class Client {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Reply(int status, HttpHeaders headers, JsonNode body, String raw) {

        String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final WebClient web;
    private final String address;
    private final String accessToken;
    private final String csrfToken;
    private final HttpHeaders loginHeaders;

    private Client(WebClient web, String address, String accessToken, String csrfToken, HttpHeaders loginHeaders) {
        this.web = web;
        this.address = address;
        this.accessToken = accessToken;
        this.csrfToken = csrfToken;
        this.loginHeaders = loginHeaders;
    }

    static WebClient web(int port) {
        return WebClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
    }

    /** A client that can hold many requests open at once (the default pool queues beyond a few dozen). */
    static WebClient wideWeb(int port, int connections) {
        var pool = reactor.netty.resources.ConnectionProvider.builder("front-door-" + connections)
                .maxConnections(connections)
                .pendingAcquireMaxCount(connections * 10)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        return WebClient.builder()
                .baseUrl("http://127.0.0.1:" + port)
                .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
                        reactor.netty.http.client.HttpClient.create(pool)))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
    }

    static Client anonymous(int port, String address) {
        return new Client(web(port), address, null, null, null);
    }

    /** The same session on another HTTP client. */
    Client on(WebClient other) {
        return new Client(other, address, accessToken, csrfToken, loginHeaders);
    }

    /** The reply of an SSE endpoint: its status and, for 200, what arrived while it was held open. */
    record Stream(int status, String text, JsonNode error) {

        long heartbeats() {
            return text.lines().filter(line -> line.startsWith(":")).count();
        }
    }

    /** Opens an event stream, holds it for {@code hold} (or until the server ends it), then lets go. */
    reactor.core.publisher.Mono<Stream> stream(String path, Duration hold) {
        return stream(path, reactor.core.publisher.Mono.delay(hold), () -> {});
    }

    /**
     * Opens an event stream, calls {@code answered} once its status is known, and holds it until
     * {@code release} signals (or the server ends it).
     */
    reactor.core.publisher.Mono<Stream> stream(String path, reactor.core.publisher.Mono<?> release, Runnable answered) {
        var spec = web.get().uri(path).accept(MediaType.TEXT_EVENT_STREAM);
        if (accessToken != null) {
            spec.cookie("access_token", accessToken).cookie("csrf_token", csrfToken);
        }
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        return spec.exchangeToMono(r -> {
            int status = r.statusCode().value();
            answered.run();
            if (status != 200) {
                return r.bodyToMono(String.class).defaultIfEmpty("").map(b -> new Stream(status, "", parse(b)));
            }
            return r.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class)
                    .map(buffer -> {
                        String text = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
                        org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
                        return text;
                    })
                    .takeUntilOther(release)
                    .collectList()
                    .map(chunks -> new Stream(200, String.join("", chunks), null));
        });
    }

    /** Signs in; throws unless the login answers 200. */
    static Client login(int port, String address, String username, String password) {
        Client anonymous = anonymous(port, address);
        Reply reply = anonymous.login(username, password);
        if (reply.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed: " + reply.status() + " " + reply.raw());
        }
        List<String> cookies = reply.headers().get(HttpHeaders.SET_COOKIE);
        return new Client(
                anonymous.web,
                address,
                cookie(cookies, "access_token"),
                cookie(cookies, "csrf_token"),
                reply.headers());
    }

    /** A new user registered through the public API, then signed in. */
    static Client register(int port, String address, String username, String password) {
        Reply reply = anonymous(port, address)
                .send(
                        "POST",
                        "/api/v1/auth/register",
                        Map.of("username", username, "email", username + "@example.com", "password", password));
        if (reply.status() != 200) {
            throw new IllegalStateException("register failed: " + reply.status() + " " + reply.raw());
        }
        return login(port, address, username, password);
    }

    Reply login(String username, String password) {
        var spec = web.post()
                .uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", password));
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        return spec.exchangeToMono(r -> r.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(r.statusCode().value(), r.headers().asHttpHeaders(), parse(b), b)))
                .block(TIMEOUT);
    }

    /** A new session of the same account, from a new address (the password every test account shares). */
    Client relogin(int port) {
        String username = get("/api/v1/auth/me").body().get("username").asText();
        return login(port, Accounts.address(), username, Accounts.PASSWORD);
    }

    String accessToken() {
        return accessToken;
    }

    String csrfToken() {
        return csrfToken;
    }

    HttpHeaders loginHeaders() {
        return loginHeaders;
    }

    String userId() {
        return get("/api/v1/auth/me").body().get("user_id").asText();
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    Reply put(String path, Object body) {
        return send("PUT", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    Reply send(String method, String path, Object body) {
        return send(method, path, body, Map.of());
    }

    Reply send(String method, String path, Object body, Map<String, String> headers) {
        var spec = web.method(HttpMethod.valueOf(method)).uri(path);
        if (accessToken != null) {
            spec.cookie("access_token", accessToken)
                    .cookie("csrf_token", csrfToken)
                    .header("X-CSRF-Token", csrfToken);
        }
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        headers.forEach(spec::header);
        if (body instanceof byte[] bytes) {
            spec.contentType(MediaType.APPLICATION_JSON).bodyValue(bytes);
        } else if (body != null) {
            spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        }
        return spec.exchangeToMono(r -> r.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(b -> new Reply(r.statusCode().value(), r.headers().asHttpHeaders(), parse(b), b)))
                .block(TIMEOUT);
    }

    /** A GET whose status arrives without blocking a thread (for floods). */
    reactor.core.publisher.Mono<Integer> getAsync(String path) {
        var spec = web.get().uri(path);
        if (accessToken != null) {
            spec.cookie("access_token", accessToken).cookie("csrf_token", csrfToken);
        }
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        return spec.exchangeToMono(
                r -> r.releaseBody().thenReturn(r.statusCode().value()));
    }

    /** A POST whose status arrives without blocking a thread (for floods). */
    reactor.core.publisher.Mono<Integer> postAsync(String path, Object body) {
        var spec = web.post().uri(path);
        if (accessToken != null) {
            spec.cookie("access_token", accessToken)
                    .cookie("csrf_token", csrfToken)
                    .header("X-CSRF-Token", csrfToken);
        }
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        return spec.contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
    }

    String execute(String script) {
        Reply reply = post("/api/v1/execute", Map.of("script", script, "lang", "python", "lang_version", "3.11"));
        if (reply.status() != 200) {
            throw new IllegalStateException("execute failed: " + reply.status() + " " + reply.raw());
        }
        return reply.body().get("execution_id").asText();
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static String cookie(List<String> setCookies, String name) {
        return setCookies.stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no cookie " + name));
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
