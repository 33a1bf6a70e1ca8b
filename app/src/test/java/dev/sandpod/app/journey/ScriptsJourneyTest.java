package dev.sandpod.app.journey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.SandpodApplication;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Saved scripts through HTTP: owner-only CRUD, validation, newest first. */
@SpringBootTest(
        classes = SandpodApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // The same properties in every user-domain journey test: they share one application context.
            "sandpod.data-dir=${java.io.tmpdir}/sandpod-test-${random.uuid}",
            "sandpod.security.bcrypt.cost=4",
            "sandpod.rate-limit.enabled=false",
            "sandpod.notifications.throttle.enabled=false",
            "sandpod.notifications.allow-insecure-localhost=true",
            "sandpod.notifications.webhook-secret=journey-webhook-secret",
            "sandpod.notifications.grafana-secret=journey-grafana-secret",
            "sandpod.notifications.delivery.initial-backoff=500ms",
            "sandpod.notifications.delivery.max-attempts=4",
            "sandpod.user-settings.snapshot-threshold=3",
            "sandpod.execution.timeout-seconds=3",
        })
class ScriptsJourneyTest {

    @LocalServerPort
    int port;

    private ApiSession newUser() {
        return ApiSession.register(
                port, "scripts-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Map<String, Object> script(String name, String code) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("script", code);
        body.put("lang", "python");
        body.put("lang_version", "3.11");
        body.put("description", "prints " + name);
        return body;
    }

    @Test
    void aSavedScriptCanBeReadChangedListedAndDeletedByItsOwner() {
        ApiSession owner = newUser();

        ApiSession.Reply created = owner.post("/api/v1/scripts", script("hello", "print('hello')"));
        assertThat(created.status()).isEqualTo(200);
        JsonNode script = created.body();
        String id = script.get("script_id").asText();
        assertThat(script.get("name").asText()).isEqualTo("hello");
        assertThat(script.get("script").asText()).isEqualTo("print('hello')");
        assertThat(script.get("lang").asText()).isEqualTo("python");
        assertThat(script.get("lang_version").asText()).isEqualTo("3.11");
        assertThat(script.get("description").asText()).isEqualTo("prints hello");
        assertThat(script.get("created_at").asText()).isNotBlank();
        assertThat(script.get("updated_at").asText()).isNotBlank();

        ApiSession.Reply read = owner.get("/api/v1/scripts/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(script);

        ApiSession.Reply changed =
                owner.put("/api/v1/scripts/" + id, Map.of("name", "hello v2", "script", "print('hello again')"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("name").asText()).isEqualTo("hello v2");
        assertThat(changed.body().get("script").asText()).isEqualTo("print('hello again')");
        assertThat(changed.body().get("description").asText()).isEqualTo("prints hello");
        assertThat(changed.body().get("created_at").asText())
                .isEqualTo(script.get("created_at").asText());
        assertThat(Instant.parse(changed.body().get("updated_at").asText()))
                .isAfter(Instant.parse(script.get("updated_at").asText()));
        assertThat(owner.get("/api/v1/scripts/" + id).body().get("name").asText())
                .isEqualTo("hello v2");

        ApiSession.Reply deleted = owner.delete("/api/v1/scripts/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(owner.get("/api/v1/scripts/" + id).status()).isEqualTo(404);
        assertThat(owner.get("/api/v1/scripts").body().get("scripts")).isEmpty();
        assertThat(owner.delete("/api/v1/scripts/" + id).status()).isEqualTo(404);
    }

    @Test
    void theListHoldsOnlyTheCallersScriptsNewestFirst() {
        ApiSession owner = newUser();
        ApiSession other = newUser();
        String first = owner.post("/api/v1/scripts", script("first", "print(1)"))
                .body()
                .get("script_id")
                .asText();
        String second = owner.post("/api/v1/scripts", script("second", "print(2)"))
                .body()
                .get("script_id")
                .asText();
        other.post("/api/v1/scripts", script("not yours", "print(3)"));

        ApiSession.Reply list = owner.get("/api/v1/scripts");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get("scripts").findValuesAsText("script_id")).containsExactly(second, first);
        assertThat(owner.get("/api/v1/scripts/").body().get("scripts")).hasSize(2);
    }

    @Test
    void anotherUsersScriptDoesNotExistForTheCaller() {
        ApiSession owner = newUser();
        ApiSession stranger = newUser();
        String id = owner.post("/api/v1/scripts", script("mine", "print('mine')"))
                .body()
                .get("script_id")
                .asText();

        ApiSession.Reply read = stranger.get("/api/v1/scripts/" + id);
        ApiSession.Reply change = stranger.put("/api/v1/scripts/" + id, Map.of("name", "stolen"));
        ApiSession.Reply delete = stranger.delete("/api/v1/scripts/" + id);

        assertThat(List.of(read.status(), change.status(), delete.status())).containsOnly(404);
        assertThat(read.body().get("detail").asText()).isEqualTo("Script not found");
        assertThat(read.body().get("type").asText()).isEqualTo("NotFound");
        assertThat(owner.get("/api/v1/scripts/" + id).body().get("name").asText())
                .isEqualTo("mine");
        assertThat(owner.get("/api/v1/scripts/no-such-script").status()).isEqualTo(404);
    }

    @Test
    void invalidScriptsAreRejectedWith422() {
        ApiSession owner = newUser();

        ApiSession.Reply noName = owner.post("/api/v1/scripts", Map.of("script", "print(1)"));
        ApiSession.Reply blankName = owner.post("/api/v1/scripts", script("", "print(1)"));
        ApiSession.Reply longName = owner.post("/api/v1/scripts", script("n".repeat(101), "print(1)"));
        ApiSession.Reply longScript = owner.post("/api/v1/scripts", script("big", "x".repeat(50_001)));
        Map<String, Object> cobol = script("cobol", "DISPLAY 'HI'");
        cobol.put("lang", "cobol");
        ApiSession.Reply unknownLang = owner.post("/api/v1/scripts", cobol);
        Map<String, Object> oldPython = script("old", "print 1");
        oldPython.put("lang_version", "2.7");
        ApiSession.Reply unknownVersion = owner.post("/api/v1/scripts", oldPython);

        assertThat(List.of(noName, blankName, longName, longScript, unknownLang, unknownVersion))
                .extracting(ApiSession.Reply::status)
                .containsOnly(422);
        assertThat(noName.body().get("detail").get(0).get("loc").findValuesAsText(""))
                .isEmpty();
        assertThat(noName.body().get("detail").get(0).get("loc").get(1).asText())
                .isEqualTo("name");
        assertThat(longName.body().get("detail").get(0).get("msg").asText()).contains("1 to 100");
        assertThat(longScript.body().get("detail").get(0).get("loc").get(1).asText())
                .isEqualTo("script");
        assertThat(unknownLang.body().get("detail").asText()).startsWith("Language 'cobol' not supported");
        assertThat(unknownVersion.body().get("detail").asText()).startsWith("Version '2.7' not supported for python");
        assertThat(owner.get("/api/v1/scripts").body().get("scripts")).isEmpty();
        ApiSession.Reply exactly100 = owner.post("/api/v1/scripts", script("n".repeat(100), "x".repeat(50_000)));
        assertThat(exactly100.status()).isEqualTo(200);
    }

    @Test
    void scriptsNeedASession() {
        assertThat(ApiSession.anonymous(port, "GET", "/api/v1/scripts", null).status())
                .isEqualTo(401);
        assertThat(ApiSession.anonymous(port, "POST", "/api/v1/scripts", script("x", "print(1)"))
                        .status())
                .isEqualTo(401);
    }
}
