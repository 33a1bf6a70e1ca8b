package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The second hostile set at the HTTP edge (docs/hostile-second-set.md): the admin's view of the protections in
 * force (issue 19's endpoint) and H40, request tampering. The new submission fields {@code stdin}, {@code args}
 * and {@code files} are validated by their own issue; here only the fields that exist today.
 */
@FrontDoorTest
class SandboxSecondSetEdgeTest {

    private static final String PROTECTIONS = "/api/v1/admin/sandbox/protections";

    @LocalServerPort
    int port;

    @Test
    void anAdminSeesWhichProtectionsAreActiveOnThisHost() {
        Client admin = Accounts.admin(port, "protections");

        Client.Reply reply = admin.get(PROTECTIONS);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(body.get("runner").asText()).isEqualTo("local");
        assertThat(body.get("available").asBoolean()).isTrue();
        JsonNode p = body.get("protections");
        assertThat(p.get("uidMode").asText()).isEqualTo("per run");
        assertThat(p.get("userNamespaces").asText()).contains("--disable-userns");
        assertThat(p.get("seccomp").asText()).contains("socket families");
        assertThat(p.get("bubblewrap").asText()).startsWith("bubblewrap ");
        assertThat(p.get("cgroupV2").asText()).isIn("true", "false");
        assertThat(p.get("cgroups").asText()).contains("memory=");
        assertThat(p.get("pinnedRlimits").asText()).contains("core=0", "rtprio=0", "memlock=64 KiB");
        assertThat(p.get("maskedProc").asText()).contains("/proc/kallsyms", "/proc/1/cmdline");
        assertThat(Accounts.user(port, "not-admin").get(PROTECTIONS).status()).isEqualTo(403);
    }

    @Test
    void H40_unknownFieldsOfASubmissionHaveNoEffect() {
        Client user = Accounts.user(port, "h40-fields");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", """
                import os, socket
                print('ld', 'LD_PRELOAD' in os.environ)
                try:
                    socket.create_connection(('1.1.1.1', 53), 1)
                    print('net on')
                except OSError:
                    print('net off')
                """);
        body.put("lang", "python");
        body.put("lang_version", "3.11");
        body.put("enable_network", true);
        body.put("timeout", 99999);
        body.put("memory", "64Gi");
        body.put("env", Map.of("LD_PRELOAD", "/tmp/x.so"));

        Client.Reply reply = user.post("/api/v1/execute", body);

        assertThat(reply.status()).as(reply.raw()).isIn(200, 422);
        if (reply.status() == 200) {
            String id = reply.body().get("execution_id").asText();
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            user.get("/api/v1/executions/" + id + "/result").status() == 200
                                    && user.get("/api/v1/executions/" + id + "/result")
                                            .body()
                                            .path("status")
                                            .asText()
                                            .equals("completed"));
            JsonNode result = user.get("/api/v1/executions/" + id + "/result").body();
            assertThat(result.path("stdout").asText()).isEqualTo("ld False\nnet off\n");
        }
    }

    @Test
    void H40_aBadLanguageOrVersionIs422BeforeAnythingIsQueued() {
        Client user = Accounts.user(port, "h40-lang");
        for (Map<String, Object> body : List.of(
                Map.<String, Object>of("script", "print(1)", "lang", "python;id", "lang_version", "3.11"),
                Map.<String, Object>of("script", "print(1)", "lang", "python", "lang_version", "5.2\n--privileged"),
                Map.<String, Object>of("script", "print(1)", "lang", "../../bin/sh", "lang_version", "3.11"))) {
            Client.Reply reply = user.post("/api/v1/execute", body);
            assertThat(reply.status()).as(body.toString()).isEqualTo(422);
            assertThat(reply.body().has("detail")).isTrue();
            assertThat(reply.body().has("type")).isTrue();
        }
        assertThat(user.get("/api/v1/user/executions").body().get("total").asInt())
                .isZero();
    }
}
