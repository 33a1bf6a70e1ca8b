package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Every operation of the running application's route list, called as anonymous, as its owner (a user), as
 * another user and as an admin, against the status each must get. The route list is read from the
 * application itself: an operation without a row here — a new endpoint — fails this test, and so does a
 * row whose operation is gone.
 *
 * <p>Roles are called in the order anonymous, other user, user, admin, so that a destructive call by the
 * owner or the admin comes last; rows that destroy what they call on make a fresh target for each call.
 */
@FrontDoorTest
class AuthorizationMatrixTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuthorizationMatrixTest.class);

    private static final Duration RESULT_WAIT = Duration.ofSeconds(120);

    enum Role {
        ANONYMOUS,
        OTHER,
        USER,
        ADMIN
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    /** What one call sends: path variables, a JSON body or a form, headers, and who sends it if not the role. */
    record Call(
            Map<String, String> vars,
            Object json,
            Map<String, String> form,
            Map<String, String> headers,
            Client as,
            boolean stream) {

        static Call of(Object... vars) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < vars.length; i += 2) {
                map.put((String) vars[i], (String) vars[i + 1]);
            }
            return new Call(map, null, null, Map.of(), null, false);
        }

        Call json(Object body) {
            return new Call(vars, body, form, headers, as, stream);
        }

        Call form(Map<String, String> fields) {
            return new Call(vars, json, fields, headers, as, stream);
        }

        Call headers(Map<String, String> extra) {
            return new Call(vars, json, form, extra, as, stream);
        }

        Call as(Client client) {
            return new Call(vars, json, form, headers, client, stream);
        }

        Call streaming() {
            return new Call(vars, json, form, headers, as, true);
        }
    }

    interface Maker {
        Call make(Fixture f, Role role);
    }

    /** Statuses each role must get, in {@link Role} order. */
    record Expect(Set<Integer> anonymous, Set<Integer> other, Set<Integer> user, Set<Integer> admin) {

        Set<Integer> of(Role role) {
            return switch (role) {
                case ANONYMOUS -> anonymous;
                case OTHER -> other;
                case USER -> user;
                case ADMIN -> admin;
            };
        }
    }

    private static Set<Integer> s(Integer... statuses) {
        return Set.of(statuses);
    }

    private static final Expect PUBLIC = new Expect(s(200), s(200), s(200), s(200));
    private static final Expect SIGNED_IN = new Expect(s(401), s(200), s(200), s(200));
    private static final Expect SIGNED_IN_204 = new Expect(s(401), s(204), s(204), s(204));
    private static final Expect ADMIN = new Expect(s(401), s(403), s(403), s(200));
    /** An execution: another user 403, its owner and admins 2xx. */
    private static final Expect OWNED_EXECUTION = new Expect(s(401), s(403), s(200), s(200));
    /** A saved script or notification: anyone but its owner — admins too — 404. */
    private static final Expect OWNED_PRIVATE = new Expect(s(401), s(404), s(200), s(404));

    private static final Expect OWNED_PRIVATE_204 = new Expect(s(401), s(404), s(204), s(404));

    private record Row(Expect expect, Maker maker) {}

    /** The fixture every call may draw on: three signed-in clients and the user's resources. */
    final class Fixture {
        final Client user;
        final Client other;
        final Client admin;
        final String userName;
        final String userId;
        final String doneExecution;
        final String script;
        final List<String> notifications;

        Fixture() {
            userName = Accounts.name("matrix-user");
            user = Client.register(port, Accounts.address(), userName, Accounts.PASSWORD);
            other = Accounts.user(port, "matrix-other");
            admin = Accounts.admin(port, "matrix-admin");
            userId = user.userId();
            for (Client c : List.of(admin, user, other)) {
                assertThat(admin.put(
                                        "/api/v1/admin/rate-limits/" + c.userId(),
                                        Client.body("bypass_rate_limit", true, "notes", "authorization matrix"))
                                .status())
                        .isEqualTo(200);
            }
            doneExecution = finished(user.execute("print('matrix')"));
            finished(user.execute("print('matrix again')"));
            script = user.post(
                            "/api/v1/scripts",
                            Client.body(
                                    "name", "matrix", "script", "print(1)", "lang", "python", "lang_version", "3.11"))
                    .body()
                    .get("script_id")
                    .asText();
            await().atMost(RESULT_WAIT)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> user.get("/api/v1/notifications?limit=100")
                                    .body()
                                    .path("notifications")
                                    .size()
                            >= 2);
            notifications = new ArrayList<>();
            user.get("/api/v1/notifications?limit=100")
                    .body()
                    .get("notifications")
                    .forEach(n -> notifications.add(n.get("notification_id").asText()));
        }

        Client as(Role role) {
            return switch (role) {
                case ANONYMOUS -> Client.anonymous(port, Accounts.address());
                case OTHER -> other;
                case USER -> user;
                case ADMIN -> admin;
            };
        }

        /** A fresh session of the role's account (for calls that end it). */
        Client freshSession(Role role) {
            return switch (role) {
                case ANONYMOUS -> Client.anonymous(port, Accounts.address());
                case OTHER -> other.relogin(port);
                case USER -> user.relogin(port);
                case ADMIN -> admin.relogin(port);
            };
        }

        String finished(String executionId) {
            await().atMost(RESULT_WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> Set.of("completed", "failed", "timeout", "cancelled", "error")
                            .contains(user.get("/api/v1/executions/" + executionId + "/result")
                                    .body()
                                    .path("status")
                                    .asText()));
            return executionId;
        }

        /** A run still going, once the read model has it (a cancel right after the submit may not find it yet). */
        String running() {
            String id = user.execute("import time\ntime.sleep(60)\n");
            await().atMost(RESULT_WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            user.get("/api/v1/executions/" + id + "/result").status() == 200);
            return id;
        }

        /** The id of one indexed event of the user's finished execution. */
        String eventOfDoneExecution() {
            await().atMost(RESULT_WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> user.get("/api/v1/events?aggregate_id=" + doneExecution)
                                    .body()
                                    .path("total")
                                    .asInt()
                            > 0);
            return user.get("/api/v1/events?aggregate_id=" + doneExecution)
                    .body()
                    .get("events")
                    .get(0)
                    .get("event_id")
                    .asText();
        }

        String victim() {
            return Accounts.user(port, "matrix-victim").userId();
        }

        /** A personal access token of the user's, made for one call that revokes it. */
        String freshToken() {
            return user.post("/api/v1/user/tokens", Client.body("name", "matrix", "scopes", List.of("read")))
                    .body()
                    .get("token_id")
                    .asText();
        }

        String freshScript() {
            return user.post(
                            "/api/v1/scripts",
                            Client.body(
                                    "name", "doomed", "script", "print(2)", "lang", "python", "lang_version", "3.11"))
                    .body()
                    .get("script_id")
                    .asText();
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    private void row(Expect expect, Maker maker, String... operations) {
        for (String operation : operations) {
            if (rows.put(operation, new Row(expect, maker)) != null) {
                throw new IllegalStateException("two rows for " + operation);
            }
        }
    }

    private void table() {
        Maker none = (f, r) -> Call.of();
        // public
        row(PUBLIC, none, "GET /api/v1/health/live", "GET /api/v1/example-scripts", "GET /api/v1/k8s-limits");
        row(new Expect(s(200, 503), s(200, 503), s(200, 503), s(200, 503)), none, "GET /api/v1/health/ready");
        row(
                PUBLIC,
                (f, r) -> Call.of().headers(Map.of("Accept", "text/html")),
                "ROUTE ((GET && /) && Accept: text/html)");
        row(
                PUBLIC,
                (f, r) -> Call.of()
                        .form(Map.of("username", f.userName, "password", Accounts.PASSWORD))
                        .as(Client.anonymous(port, Accounts.address())),
                "POST /api/v1/auth/login");
        row(
                PUBLIC,
                (f, r) -> {
                    String name = Accounts.name("matrix-new");
                    return Call.of()
                            .json(Client.body(
                                    "username", name, "email", name + "@example.com", "password", Accounts.PASSWORD));
                },
                "POST /api/v1/auth/register");
        // the API description: open to all, read-only; /docs sends the browser on to the page
        row(PUBLIC, none, "GET /openapi.json", "GET /openapi.json.yaml", "GET /openapi.json/swagger-config");
        row(new Expect(s(302), s(302), s(302), s(302)), none, "GET /docs");
        // the alert webhook authenticates with its shared secret, never with a session
        row(
                new Expect(s(401), s(401), s(401), s(401)),
                (f, r) -> Call.of().json(Client.body("alerts", List.of())),
                "POST /api/v1/alerts/grafana",
                "POST /api/v1/alerts/grafana/");
        // actuator: health for probes, the rest for admins (metrics also for the scrape token: ResponseHardeningTest)
        row(new Expect(s(200, 503), s(200, 503), s(200, 503), s(200, 503)), none, "GET /actuator/health");
        // open to all; Boot hides the health components (404) unless configured to show them
        row(
                new Expect(s(404), s(404), s(404), s(404)),
                (f, r) -> Call.of("path", "ping"),
                "GET /actuator/health/{*path}");
        row(ADMIN, none, "GET /actuator", "GET /actuator/info", "GET /actuator/metrics", "GET /actuator/prometheus");
        row(
                ADMIN,
                (f, r) -> Call.of("requiredMetricName", "jvm.memory.used"),
                "GET /actuator/metrics/{requiredMetricName}");

        // signed in: one's own account, executions, settings, notifications, scripts
        row(
                SIGNED_IN,
                none,
                "GET /api/v1/auth/me",
                "GET /api/v1/user/executions",
                "GET /api/v1/user/settings",
                "GET /api/v1/user/settings/",
                "GET /api/v1/user/settings/history",
                "GET /api/v1/user/settings/history/",
                "GET /api/v1/notifications",
                "GET /api/v1/notifications/",
                "GET /api/v1/notifications/unread-count",
                "GET /api/v1/notifications/subscriptions",
                "GET /api/v1/notifications/subscriptions/",
                "GET /api/v1/scripts",
                "GET /api/v1/scripts/");
        row(SIGNED_IN, (f, r) -> Call.of().as(f.freshSession(r)), "POST /api/v1/auth/logout");
        row(
                SIGNED_IN,
                (f, r) -> Call.of()
                        .json(Client.body("script", "print('matrix')", "lang", "python", "lang_version", "3.11")),
                "POST /api/v1/execute");
        row(
                SIGNED_IN,
                (f, r) -> Call.of()
                        .json(Client.body(
                                "submissions",
                                List.of(Client.body("script", "print('matrix batch')", "lang", "python")))),
                "POST /api/v1/executions/batch");
        // several results at once: another user's ids are listed as missing, never shown
        row(SIGNED_IN, (f, r) -> Call.of("?", "ids=" + f.doneExecution), "GET /api/v1/executions");
        row(
                SIGNED_IN,
                (f, r) -> Call.of().json(Client.body("theme", "dark")),
                "PUT /api/v1/user/settings",
                "PUT /api/v1/user/settings/",
                "PUT /api/v1/user/settings/theme",
                "PUT /api/v1/user/settings/theme/");
        row(
                SIGNED_IN,
                (f, r) -> Call.of().json(Client.body("execution_completed", true)),
                "PUT /api/v1/user/settings/notifications",
                "PUT /api/v1/user/settings/notifications/");
        row(
                SIGNED_IN,
                (f, r) -> Call.of().json(Client.body("font_size", 15)),
                "PUT /api/v1/user/settings/editor",
                "PUT /api/v1/user/settings/editor/");
        row(
                SIGNED_IN,
                (f, r) -> Call.of("key", "matrix").json(Client.body("answer", 42)),
                "PUT /api/v1/user/settings/custom/{key}");
        row(
                SIGNED_IN,
                (f, r) -> Call.of().json(Client.body("timestamp", Instant.now().toString(), "reason", "matrix")),
                "POST /api/v1/user/settings/restore",
                "POST /api/v1/user/settings/restore/");
        row(
                SIGNED_IN,
                (f, r) -> Call.of("channel", "in_app").json(Client.body("enabled", true)),
                "PUT /api/v1/notifications/subscriptions/{channel}",
                "PUT /api/v1/notifications/subscriptions/{channel}/");
        row(SIGNED_IN_204, none, "POST /api/v1/notifications/mark-all-read");
        row(
                SIGNED_IN,
                (f, r) -> Call.of()
                        .json(Client.body(
                                "name", "mine", "script", "print(3)", "lang", "python", "lang_version", "3.11")),
                "POST /api/v1/scripts",
                "POST /api/v1/scripts/");
        row(SIGNED_IN, (f, r) -> Call.of().streaming(), "GET /api/v1/events/notifications/stream");

        // owned executions: another user 403
        row(
                OWNED_EXECUTION,
                (f, r) -> Call.of("executionId", f.doneExecution),
                "GET /api/v1/executions/{executionId}/result",
                "GET /api/v1/executions/{executionId}/events",
                "POST /api/v1/executions/{executionId}/retry");
        row(
                OWNED_EXECUTION,
                (f, r) -> Call.of("executionId", f.doneExecution).headers(Map.of("Accept", "text/event-stream")),
                "GET /api/v1/events/executions/{executionId}");
        row(
                OWNED_EXECUTION,
                (f, r) -> Call.of("executionId", r == Role.USER || r == Role.ADMIN ? f.running() : f.doneExecution),
                "POST /api/v1/executions/{executionId}/cancel");
        row(
                new Expect(s(401), s(403), s(403), s(200)),
                (f, r) -> Call.of(
                        "executionId",
                        r == Role.ADMIN ? f.finished(f.user.execute("print('doomed')")) : f.doneExecution),
                "DELETE /api/v1/executions/{executionId}");
        // authorized, then refused by the state check: only a waiting execution changes priority
        row(
                new Expect(s(401), s(403), s(403), s(400)),
                (f, r) -> Call.of("executionId", f.doneExecution).json(Client.body("priority", "high")),
                "PUT /api/v1/admin/executions/{executionId}/priority");

        // personal access tokens: one's own; another's token is not found (and only a session manages them)
        row(SIGNED_IN, none, "GET /api/v1/user/tokens", "GET /api/v1/user/tokens/");
        row(
                new Expect(s(401), s(201), s(201), s(201)),
                (f, r) -> Call.of().json(Client.body("name", "matrix-" + r, "scopes", List.of("execute"))),
                "POST /api/v1/user/tokens",
                "POST /api/v1/user/tokens/");
        row(
                OWNED_PRIVATE_204,
                (f, r) -> Call.of("tokenId", f.freshToken()),
                "DELETE /api/v1/user/tokens/{tokenId}",
                "DELETE /api/v1/user/tokens/{tokenId}/");

        // owned scripts and notifications: anyone else 404
        row(
                OWNED_PRIVATE,
                (f, r) -> Call.of("scriptId", f.script),
                "GET /api/v1/scripts/{scriptId}",
                "GET /api/v1/scripts/{scriptId}/");
        row(
                OWNED_PRIVATE,
                (f, r) -> Call.of("scriptId", f.script).json(Client.body("name", "renamed")),
                "PUT /api/v1/scripts/{scriptId}",
                "PUT /api/v1/scripts/{scriptId}/");
        row(
                OWNED_PRIVATE_204,
                (f, r) -> Call.of("scriptId", r == Role.USER ? f.freshScript() : f.script),
                "DELETE /api/v1/scripts/{scriptId}",
                "DELETE /api/v1/scripts/{scriptId}/");
        row(
                OWNED_PRIVATE,
                (f, r) -> Call.of("notificationId", f.notifications.get(0)),
                "GET /api/v1/notifications/{notificationId}/deliveries");
        row(
                OWNED_PRIVATE_204,
                (f, r) -> Call.of("notificationId", f.notifications.get(0)),
                "PUT /api/v1/notifications/{notificationId}/read");
        row(
                OWNED_PRIVATE,
                (f, r) -> Call.of("notificationId", f.notifications.get(1)),
                "DELETE /api/v1/notifications/{notificationId}");

        // audit: an execution's history is its owner's and the admins'; one's own events are one's own
        row(
                OWNED_EXECUTION,
                (f, r) -> Call.of("type", "execution", "id", f.doneExecution),
                "GET /api/v1/audit/aggregates/{type}/{id}/events",
                "GET /api/v1/audit/aggregates/{type}/{id}/state");
        row(
                SIGNED_IN,
                (f, r) -> Call.of("correlationId", "no-such-correlation"),
                "GET /api/v1/events",
                "GET /api/v1/events/",
                "GET /api/v1/events/statistics",
                "GET /api/v1/events/correlation/{correlationId}");
        row(OWNED_PRIVATE, (f, r) -> Call.of("eventId", f.eventOfDoneExecution()), "GET /api/v1/events/{eventId}");
        row(ADMIN, (f, r) -> Call.of().json(Client.body("filters", Map.of())), "POST /api/v1/admin/events/browse");
        row(ADMIN, (f, r) -> Call.of("format", "json"), "GET /api/v1/admin/events/export/{format}");
        row(ADMIN, (f, r) -> Call.of("eventId", f.eventOfDoneExecution()), "GET /api/v1/admin/events/{eventId}");
        row(
                ADMIN,
                (f, r) -> Call.of("eventId", r == Role.ADMIN ? f.eventOfDoneExecution() : "not-hidden-by-non-admins"),
                "DELETE /api/v1/admin/events/{eventId}");

        // replay sessions (admins only): a session to the test target is created but never started; unknown
        // session ids keep the controls harmless (the admin gets 404)
        row(
                ADMIN,
                (f, r) -> Call.of().json(Client.body("replay_type", "query", "target", "test")),
                "POST /api/v1/replay/sessions",
                "POST /api/v1/replay/sessions/");
        row(
                ADMIN,
                none,
                "GET /api/v1/replay/sessions",
                "GET /api/v1/replay/sessions/",
                "POST /api/v1/replay/cleanup",
                "POST /api/v1/replay/cleanup/");
        row(
                new Expect(s(401), s(403), s(403), s(404)),
                (f, r) -> Call.of("sessionId", "no-such-session"),
                "GET /api/v1/replay/sessions/{sessionId}",
                "GET /api/v1/replay/sessions/{sessionId}/",
                "GET /api/v1/replay/sessions/{sessionId}/file",
                "POST /api/v1/replay/sessions/{sessionId}/start",
                "POST /api/v1/replay/sessions/{sessionId}/start/",
                "POST /api/v1/replay/sessions/{sessionId}/pause",
                "POST /api/v1/replay/sessions/{sessionId}/pause/",
                "POST /api/v1/replay/sessions/{sessionId}/resume",
                "POST /api/v1/replay/sessions/{sessionId}/resume/",
                "POST /api/v1/replay/sessions/{sessionId}/cancel",
                "POST /api/v1/replay/sessions/{sessionId}/cancel/",
                "GET /api/v1/admin/events/replay/{sessionId}/status",
                "GET /api/v1/admin/events/replay/{sessionId}/status/");
        row(
                ADMIN,
                (f, r) -> Call.of().json(Client.body("aggregate_id", f.doneExecution, "dry_run", true)),
                "POST /api/v1/admin/events/replay",
                "POST /api/v1/admin/events/replay/");

        // operations (admins only): processors, dead letters, sagas, user overview. Unknown names and ids keep the
        // calls harmless (no processor is paused or rebuilt, no letter retried): the admin gets 404 for those.
        Expect adminMissing = new Expect(s(401), s(403), s(403), s(404));
        Expect adminMissingOrInvalid = new Expect(s(401), s(403), s(403), s(404, 422));
        row(
                ADMIN,
                none,
                "GET /api/v1/admin/projections",
                "GET /api/v1/admin/projections/",
                "GET /api/v1/dlq/messages",
                "GET /api/v1/dlq/messages/",
                "GET /api/v1/dlq/stats",
                "GET /api/v1/dlq/stats/");
        // sagas: every signed-in caller sees the sagas of their own executions (admins all of them)
        row(SIGNED_IN, none, "GET /api/v1/sagas", "GET /api/v1/sagas/");
        row(ADMIN, (f, r) -> Call.of().streaming(), "GET /api/v1/admin/projections/stream");
        row(
                ADMIN,
                (f, r) -> Call.of("name", "executions"),
                "GET /api/v1/admin/projections/{name}",
                "GET /api/v1/admin/projections/{name}/");
        row(ADMIN, (f, r) -> Call.of("name", "executions").streaming(), "GET /api/v1/admin/projections/{name}/stream");
        row(
                adminMissing,
                (f, r) -> Call.of("name", "no-such-processor"),
                "POST /api/v1/admin/projections/{name}/pause",
                "POST /api/v1/admin/projections/{name}/pause/",
                "POST /api/v1/admin/projections/{name}/replay",
                "POST /api/v1/admin/projections/{name}/replay/",
                "POST /api/v1/admin/projections/{name}/resume",
                "POST /api/v1/admin/projections/{name}/resume/");
        row(
                new Expect(s(401), s(403), s(403), s(200, 202)),
                none,
                "POST /api/v1/dlq/messages/retry",
                "POST /api/v1/dlq/retry",
                "POST /api/v1/dlq/retry/");
        row(
                adminMissing,
                (f, r) -> Call.of("id", "no-such-letter"),
                "GET /api/v1/dlq/messages/{id}",
                "GET /api/v1/dlq/messages/{id}/",
                "POST /api/v1/dlq/messages/{id}/retry",
                "POST /api/v1/dlq/messages/{id}/retry/");
        row(
                adminMissingOrInvalid,
                (f, r) -> Call.of("id", "no-such-letter").json(Client.body("reason", "matrix")),
                "POST /api/v1/dlq/messages/{id}/discard",
                "POST /api/v1/dlq/messages/{id}/discard/");
        row(
                adminMissingOrInvalid,
                (f, r) -> Call.of("id", "no-such-letter"),
                "DELETE /api/v1/dlq/messages/{id}",
                "DELETE /api/v1/dlq/messages/{id}/");
        row(
                new Expect(s(401), s(404), s(404), s(404)),
                (f, r) -> Call.of("sagaId", "no-such-saga"),
                "GET /api/v1/sagas/{sagaId}",
                "GET /api/v1/sagas/{sagaId}/",
                "POST /api/v1/sagas/{sagaId}/cancel",
                "POST /api/v1/sagas/{sagaId}/cancel/");
        row(
                SIGNED_IN,
                (f, r) -> Call.of("executionId", f.doneExecution),
                "GET /api/v1/sagas/execution/{executionId}",
                "GET /api/v1/sagas/execution/{executionId}/");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.userId),
                "GET /api/v1/admin/users/{userId}/overview",
                "GET /api/v1/admin/users/{userId}/overview/");

        // admin only
        row(
                ADMIN,
                none,
                "GET /api/v1/admin/events/stats",
                "GET /api/v1/admin/executions",
                "GET /api/v1/admin/executions/",
                "GET /api/v1/admin/executions/queue",
                "GET /api/v1/admin/executions/queue/",
                "GET /api/v1/admin/settings",
                "GET /api/v1/admin/settings/",
                "POST /api/v1/admin/settings/reset",
                "POST /api/v1/admin/settings/reset/",
                "GET /api/v1/admin/users",
                "GET /api/v1/admin/users/",
                "GET /api/v1/admin/rate-limits/defaults",
                "GET /api/v1/admin/sandbox/protections",
                "GET /api/v1/admin/sandbox/protections/");
        row(
                ADMIN,
                (f, r) -> Call.of().json(Client.body()),
                "PUT /api/v1/admin/settings",
                "PUT /api/v1/admin/settings/");
        row(
                ADMIN,
                (f, r) -> {
                    String name = Accounts.name("matrix-made");
                    return Call.of()
                            .json(Client.body(
                                    "username", name, "email", name + "@example.com", "password", Accounts.PASSWORD));
                },
                "POST /api/v1/admin/users",
                "POST /api/v1/admin/users/");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.userId),
                "GET /api/v1/admin/users/{userId}",
                "GET /api/v1/admin/users/{userId}/",
                "GET /api/v1/admin/rate-limits/{userId}");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.victim()).json(Client.body("role", "moderator")),
                "PUT /api/v1/admin/users/{userId}",
                "PUT /api/v1/admin/users/{userId}/");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", r == Role.ADMIN ? f.victim() : f.userId),
                "DELETE /api/v1/admin/users/{userId}",
                "DELETE /api/v1/admin/users/{userId}/");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.victim()).json(Client.body("new_password", "matrix-new-password")),
                "POST /api/v1/admin/users/{userId}/reset-password",
                "POST /api/v1/admin/users/{userId}/reset-password/");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.victim()),
                "POST /api/v1/admin/users/{userId}/unlock",
                "POST /api/v1/admin/users/{userId}/unlock/",
                "POST /api/v1/admin/rate-limits/{userId}/reset");
        row(
                ADMIN,
                (f, r) -> Call.of("userId", f.victim()).json(Client.body("global_multiplier", 2.0)),
                "PUT /api/v1/admin/rate-limits/{userId}");
        row(
                ADMIN,
                (f, r) ->
                        Call.of().json(Client.body("subject", "Matrix", "body", "An announcement", "severity", "low")),
                "POST /api/v1/admin/notifications/announcements",
                "POST /api/v1/admin/notifications/announcements/");
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z]+)}");

    private static String path(String pattern, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for {" + m.group(1) + "} in " + pattern);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String query = vars.get("?");
        return query == null ? out.toString() : out + "?" + query;
    }

    @Test
    void everyOperationOfTheRouteListAnswersEachRoleAsItMust() {
        table();
        Set<String> served = Routes.of(context);
        Set<String> withoutRow = new TreeSet<>(served);
        withoutRow.removeAll(rows.keySet());
        Set<String> stale = new TreeSet<>(rows.keySet());
        stale.removeAll(served);
        assertThat(withoutRow)
                .as("operations served without a row in the authorization matrix")
                .isEmpty();
        assertThat(stale)
                .as("rows for operations the application no longer serves")
                .isEmpty();

        Fixture fixture = new Fixture();
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (var entry : rows.entrySet()) {
            String operation = entry.getKey();
            for (Role role : Role.values()) {
                Call call = entry.getValue().maker().make(fixture, role);
                int status = send(fixture, operation, role, call);
                calls++;
                if (!entry.getValue().expect().of(role).contains(status)) {
                    wrong.add(operation + " as " + role + ": " + status + ", expected "
                            + entry.getValue().expect().of(role));
                }
            }
        }
        log.info("AUTHORIZATION-MATRIX operations={} calls={} wrong={}", rows.size(), calls, wrong.size());
        assertThat(wrong).as("calls answered with the wrong status").isEmpty();
    }

    private int send(Fixture fixture, String operation, Role role, Call call) {
        Client client = call.as() != null ? call.as() : fixture.as(role);
        if (operation.startsWith("ROUTE ")) {
            return client.send("GET", "/", null, call.headers()).status();
        }
        int space = operation.indexOf(' ');
        String method = operation.substring(0, space);
        String path = path(operation.substring(space + 1), call.vars());
        if (call.stream()) {
            return client.stream(path, Duration.ofMillis(500))
                    .block(Client.TIMEOUT)
                    .status();
        }
        if (call.form() != null) {
            return client.login(call.form().get("username"), call.form().get("password"))
                    .status();
        }
        return client.send(method, path, call.json(), call.headers()).status();
    }
}
