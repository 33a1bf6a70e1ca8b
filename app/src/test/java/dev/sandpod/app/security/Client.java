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
        return WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(32 * 1024 * 1024)).build();
    }

    static Client anonymous(int port, String address) {
        return new Client(web(port), address, null, null, null);
    }

    /** Signs in; throws unless the login answers 200. */
    static Client login(int port, String address, String username, String password) {
        Client anonymous = anonymous(port, address);
        Reply reply = anonymous.login(username, password);
        if (reply.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed: " + reply.status() + " " + reply.raw());
        }
        List<String> cookies = reply.headers().get(HttpHeaders.SET_COOKIE);
        return new Client(anonymous.web, address, cookie(cookies, "access_token"), cookie(cookies, "csrf_token"),
                reply.headers());
    }

    /** A new user registered through the public API, then signed in. */
    static Client register(int port, String address, String username, String password) {
        Reply reply = anonymous(port, address).send("POST", "/api/v1/auth/register",
                Map.of("username", username, "email", username + "@example.com", "password", password));
        if (reply.status() != 200) {
            throw new IllegalStateException("register failed: " + reply.status() + " " + reply.raw());
        }
        return login(port, address, username, password);
    }

    Reply login(String username, String password) {
        var spec = web.post().uri("/api/v1/auth/login")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", password));
        if (address != null) {
            spec.header("X-Forwarded-For", address);
        }
        return spec.exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                .map(b -> new Reply(r.statusCode().value(), r.headers().asHttpHeaders(), parse(b), b))).block(TIMEOUT);
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
            spec.cookie("access_token", accessToken).cookie("csrf_token", csrfToken)
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
        return spec.exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                .map(b -> new Reply(r.statusCode().value(), r.headers().asHttpHeaders(), parse(b), b))).block(TIMEOUT);
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
        return setCookies.stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst()
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
