package dev.sandpod.app.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The API description the app generates from its controllers ({@code /openapi.json}, browsable at
 * {@code /docs}): that it is the document committed in {@code docs/api/openapi.json}, that it keeps the
 * reference contract copied in {@code docs/api/reference-contract.json}, that it describes every API
 * operation the app serves with the sessions the front door really asks for, that real answers have the
 * fields it documents, and that both are public.
 *
 * <p><b>Compatibility with the reference contract.</b> A client written against the contract must work
 * with Sandpod. So, for every operation of the contract:
 *
 * <ul>
 *   <li>the document has it: the same method and path (path variables compared by position, a trailing
 *       slash ignored) — unless it is listed in {@link #NOT_IMPLEMENTED_YET} with the issue it waits for;
 *       a listed operation must be neither served nor documented, so this test fails the day it appears and
 *       it is then checked like the others;
 *   <li>every query and header parameter of the contract is documented, with a type Sandpod accepts;
 *   <li>every media type of the contract's request body is accepted, and every field of the body is a
 *       documented field (or one the schema declares accepted and ignored, {@code x-sandpod-ignored}) with a
 *       type Sandpod accepts; a field Sandpod requires is required by the contract too;
 *   <li>every status the contract lists is documented (a 5xx may be covered by {@code default}; a 422 the
 *       contract lists for an operation whose only inputs are path variables is not asked for: its server
 *       validates their format, Sandpod's ids are any string), and every field of each contract response
 *       body is in Sandpod's, with a type the contract's client can read.
 * </ul>
 *
 * Types are compatible when they are the same JSON type after {@code $ref}s are resolved and {@code null}
 * alternatives dropped (nullability is not compared: Sandpod writes every field, {@code null} included),
 * with these allowances: where Sandpod reads a value an {@code integer} of the contract may be a
 * {@code number} for Sandpod, and where Sandpod writes one a {@code number} of the contract may be an
 * {@code integer}. Arrays compare their items, maps their values, objects their fields (recursively). A
 * contract union of several object shapes (the event types) is compared on the fields all its shapes share,
 * a union of enumerations as one enumeration of all their values; other unions match when some alternative of Sandpod's matches some alternative of the contract's. Formats
 * are not compared. Enumerations: a value Sandpod writes must be one of the contract's, or declared as an
 * addition ({@code x-sandpod-added-values}); a value the contract may send must be one Sandpod accepts (a
 * field without an enumeration accepts any). A contract enumeration in a response must be an enumeration in
 * Sandpod's document too.
 *
 * Known, deliberate differences are listed in {@link #KNOWN_DIFFERENCES} with their reasons.
 *
 * <p><b>Additions.</b> Operations, fields and enumeration values beyond the contract are allowed and must be
 * declared: {@code x-sandpod-addition: true} on an operation or field, {@code x-sandpod-added-values} on an
 * enumerated field. A declared added value that the contract has is reported too (the declaration is stale).
 *
 * <p><b>The committed document.</b> {@code docs/api/openapi.json} is what the app serves, so the SPA's
 * contract test and readers of the repository see the real API. After a change to the API, regenerate it:
 * {@code mvn -pl app -am test -Dtest=ApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dfrontend.test.skip=true -Dsandpod.api-doc.write=true} (then commit it).
 */
@FrontDoorTest
class ApiDocumentTest {

    /** Contract operations Sandpod does not serve yet, and the issue each waits for. */
    static final Map<String, String> NOT_IMPLEMENTED_YET = Map.of();

    /**
     * Where Sandpod knowingly differs from the contract, each with its reason. An entry that no longer
     * matches a difference fails the test too, so the list stays true.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            "POST /api/v1/auth/register 400: not documented",
            "invalid input is refused with 422 (documented), a taken name or e-mail with 409",
            "PUT /api/v1/admin/settings 400: not documented",
            "invalid settings are refused with 422 (documented)",
            "PUT /api/v1/admin/rate-limits/{} request application/json.rules[].algorithm: the contract may send "
                    + "[fixed_window, leaky_bucket], not accepted by the document",
            "the rate limiter implements sliding_window and token_bucket; a rule with another algorithm gets 422",
            "GET /api/v1/admin/users/{}/overview 200 application/json.stats.events_by_type[].event_type: one of ["
                    + "allocate_resources_command, auth_failed, create_pod_command, "
                    + "delete_pod_command, dlq_message_discarded, dlq_message_received, "
                    + "dlq_message_retried, execution_accepted, execution_cancelled, "
                    + "execution_completed, execution_failed, execution_queued, execution_requested, "
                    + "execution_running, execution_started, execution_timeout, notification_all_read, "
                    + "notification_clicked, notification_created, notification_delivered, "
                    + "notification_failed, notification_preferences_updated, notification_read, "
                    + "notification_sent, pod_created, pod_deleted, pod_failed, pod_running, "
                    + "pod_scheduled, pod_succeeded, pod_terminated, quota_exceeded, "
                    + "rate_limit_exceeded, release_resources_command, resource_limit_exceeded, "
                    + "result_failed, result_stored, saga_cancelled, saga_compensated, "
                    + "saga_compensating, saga_completed, saga_failed, saga_started, script_deleted, "
                    + "script_saved, script_shared, security_violation, service_recovered, "
                    + "service_unhealthy, system_error, user_deleted, user_logged_in, user_logged_out, "
                    + "user_login, user_registered, user_settings_updated, user_updated"
                    + "] in the contract, any string in the document",
            "the overview counts the user's and executions' own histories, whose types are the event classes' "
                    + "names (user_details_changed, not user_updated)",
            "GET /api/v1/admin/users/{}/overview 200 application/json.stats.top_users[].event_count: missing",
            "the overview's top_users entry (the user) carries its number of events in count",
            "GET /api/v1/admin/events/replay/{}/status 404: no text/event-stream body documented",
            "an unknown session is refused before the stream starts, as JSON {detail, type} like every other 404");

    private static final Path API_DOCS = Path.of("..", "docs", "api");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private JsonNode ours;
    private JsonNode contract;

    @BeforeEach
    void load() throws IOException {
        Client.Reply reply = Client.anonymous(port, Accounts.address()).get("/openapi.json");
        assertThat(reply.status()).as("GET /openapi.json without a session").isEqualTo(200);
        ours = reply.body();
        if (Boolean.getBoolean("sandpod.api-doc.write")) {
            Files.writeString(API_DOCS.resolve("openapi.json"), reply.raw().strip() + "\n");
        }
        contract =
                Client.JSON.readTree(API_DOCS.resolve("reference-contract.json").toFile());
    }

    @Test
    void theServedDocumentIsTheCommittedOne() throws IOException {
        String regenerate = "docs/api/openapi.json is not what the app serves at /openapi.json; regenerate it with "
                + "mvn -pl app -am test -Dtest=ApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dfrontend.test.skip=true -Dsandpod.api-doc.write=true and commit it";
        Path committed = API_DOCS.resolve("openapi.json");
        assertThat(committed).as(regenerate).exists();
        assertThat(Client.JSON.readTree(committed.toFile())).as(regenerate).isEqualTo(ours);
        assertThat(ours.path("openapi").asText()).startsWith("3.1");
    }

    @Test
    void theDocumentKeepsTheReferenceContract() {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> mine = operations(ours);
        Map<String, JsonNode> theirs = operations(contract);
        theirs.forEach((operation, theirOp) -> {
            JsonNode myOp = mine.get(operation);
            String waitsFor = NOT_IMPLEMENTED_YET.get(operation);
            if (waitsFor != null) {
                if (myOp != null) {
                    problems.add(operation + ": documented now; remove it from NOT_IMPLEMENTED_YET (" + waitsFor
                            + ") so it is checked against the contract");
                }
                return;
            }
            if (myOp == null) {
                problems.add(operation + ": in the contract, not in the document");
                return;
            }
            new Comparison(operation, problems).operation(theirOp, myOp);
        });
        mine.forEach((operation, op) -> {
            if (!theirs.containsKey(operation) && !op.path("x-sandpod-addition").asBoolean()) {
                problems.add(operation + ": not in the contract and not marked x-sandpod-addition");
            }
        });
        KNOWN_DIFFERENCES.keySet().stream()
                .filter(known -> !problems.remove(known))
                .forEach(known -> problems.add("listed in KNOWN_DIFFERENCES, but no longer a difference: " + known));
        NOT_IMPLEMENTED_YET.keySet().stream()
                .filter(op -> !theirs.containsKey(op))
                .forEach(op -> problems.add(op + ": listed as not implemented yet, but not in the contract"));
        assertThat(problems)
                .as("differences from the reference contract (docs/api/reference-contract.json)")
                .isEmpty();
    }

    @Test
    void everyApiOperationTheAppServesIsDocumentedAndNothingElse() {
        Set<String> served = new TreeSet<>();
        Routes.of(context).stream()
                .filter(route -> route.contains(" /api/"))
                .forEach(route -> served.add(normalize(route)));
        Set<String> documented = new TreeSet<>(operations(ours).keySet());
        assertThat(documented).as("documented operations").isEqualTo(served);
        NOT_IMPLEMENTED_YET
                .keySet()
                .forEach(op -> assertThat(served)
                        .as("served, but listed as not implemented yet")
                        .doesNotContain(op));
    }

    /** The document's security requirements are the front door's: anonymous calls get 401 exactly where it says. */
    @Test
    void anAnonymousCallIsRefusedExactlyWhereTheDocumentAsksForASession() {
        List<String> wrong = new ArrayList<>();
        ours.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
                    if (!METHODS.contains(entry.getKey())) {
                        return;
                    }
                    String method = entry.getKey().toUpperCase();
                    boolean secured = entry.getValue().path("security").size() > 0;
                    String url = path.getKey().replaceAll("\\{[^}]+}", "x");
                    // a body, so that a handler that reads one first does not answer 422 before it looks at who calls
                    Object body = Set.of("POST", "PUT").contains(method) ? Map.of() : null;
                    int status = Client.anonymous(port, Accounts.address())
                            .send(method, url, body)
                            .status();
                    if (secured != (status == 401)) {
                        wrong.add(method + " " + path.getKey() + ": " + status + " without a session, but the document "
                                + (secured ? "asks for " : "does not ask for ") + "one");
                    }
                }));
        assertThat(wrong).isEmpty();
    }

    @Test
    void theDocumentAndThePageArePublicReadOnlyAndHardened() {
        Client anonymous = Client.anonymous(port, Accounts.address());

        Client.Reply document = anonymous.get("/openapi.json");
        Client.Reply page = anonymous.get("/docs");
        String location = page.header("Location");
        Client.Reply ui = anonymous.get(location == null ? "/docs" : location);
        Client.Reply config = anonymous.get("/openapi.json/swagger-config");

        assertThat(document.header("Content-Type")).startsWith("application/json");
        assertThat(document.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(page.status()).as("/docs sends the browser to the page").isEqualTo(302);
        assertThat(ui.status()).as("GET " + location).isEqualTo(200);
        assertThat(ui.header("Content-Type")).startsWith("text/html");
        assertThat(ui.raw()).contains("swagger-ui-bundle.js").doesNotContain("<div id=\"app\"");
        assertThat(ui.header("Content-Security-Policy")).contains("script-src 'self'");
        assertThat(anonymous
                        .get(location.replace("index.html", "swagger-initializer.js"))
                        .raw())
                .contains("/openapi.json/swagger-config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body().path("url").asText()).isEqualTo("/openapi.json");
        assertThat(anonymous.send("POST", "/openapi.json", null).status()).isEqualTo(405);
        assertThat(anonymous.send("DELETE", "/openapi.json", null).status()).isEqualTo(405);
    }

    /** The document's schemas are the wire's: real answers have exactly the documented fields. */
    @Test
    void realAnswersHaveTheDocumentedFields() {
        Client user = Accounts.user(port, "api-doc");
        Client admin = Accounts.admin(port, "api-doc-admin");
        String executionId = user.execute("print('documented')");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "completed"
                        .equals(user.get("/api/v1/executions/" + executionId + "/result")
                                .body()
                                .path("status")
                                .asText()));
        String scriptId = user.post(
                        "/api/v1/scripts",
                        Client.body("name", "doc", "script", "print(1)", "lang", "python", "lang_version", "3.11"))
                .body()
                .path("script_id")
                .asText();
        List<String> problems = new ArrayList<>();
        Map<String, Client> calls = new java.util.LinkedHashMap<>();
        calls.put("/api/v1/auth/me", user);
        calls.put("/api/v1/k8s-limits", user);
        calls.put("/api/v1/example-scripts", user);
        calls.put("/api/v1/health/live", user);
        calls.put("/api/v1/executions/" + executionId + "/result", user);
        calls.put("/api/v1/executions/" + executionId + "/events", user);
        calls.put("/api/v1/user/executions", user);
        calls.put("/api/v1/user/settings", user);
        calls.put("/api/v1/user/settings/history", user);
        calls.put("/api/v1/scripts", user);
        calls.put("/api/v1/scripts/" + scriptId, user);
        calls.put("/api/v1/notifications", user);
        calls.put("/api/v1/notifications/unread-count", user);
        calls.put("/api/v1/notifications/subscriptions", user);
        calls.put("/api/v1/admin/users/" + user.userId(), admin);
        calls.put("/api/v1/admin/users", admin);
        calls.put("/api/v1/admin/settings", admin);
        calls.put("/api/v1/admin/executions", admin);
        calls.put("/api/v1/admin/executions/queue", admin);
        calls.put("/api/v1/admin/rate-limits/defaults", admin);
        calls.put("/api/v1/admin/sandbox/protections", admin);
        calls.put("/api/v1/admin/rate-limits/" + user.userId(), admin);
        calls.forEach((url, client) -> {
            Client.Reply reply = client.get(url);
            String documented = documentedPath(url);
            JsonNode schema = ours.path("paths")
                    .path(documented)
                    .path("get")
                    .path("responses")
                    .path(String.valueOf(reply.status()))
                    .path("content")
                    .path("application/json")
                    .path("schema");
            if (schema.isMissingNode()) {
                problems.add("GET " + url + ": " + reply.status() + " is not documented for " + documented);
            } else {
                conforms("GET " + url, reply.body(), schema, problems);
            }
        });
        assertThat(problems).as("answers that differ from the document").isEmpty();
    }

    // ---- the document's operations

    /** {@code "METHOD /path"} (variables as {@code {}}, no trailing slash) → the operation. */
    private static Map<String, JsonNode> operations(JsonNode document) {
        Map<String, JsonNode> operations = new java.util.TreeMap<>();
        document.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    if (METHODS.contains(op.getKey())) {
                        operations.put(normalize(op.getKey().toUpperCase() + " " + path.getKey()), op.getValue());
                    }
                }));
        return operations;
    }

    private static String normalize(String operation) {
        String normalized = operation.replaceAll("\\{[^}]+}", "{}");
        return normalized.endsWith("/") && !normalized.endsWith(" /")
                ? normalized.substring(0, normalized.length() - 1)
                : normalized;
    }

    /** The document's path that a concrete URL falls under. */
    private String documentedPath(String url) {
        Iterator<String> paths = ours.path("paths").fieldNames();
        while (paths.hasNext()) {
            String path = paths.next();
            if (url.matches(path.replaceAll("\\{[^}]+}", "[^/]+"))) {
                return path;
            }
        }
        return url;
    }

    private JsonNode resolve(JsonNode document, JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 20 && s.has("$ref"); i++) {
            String ref = s.get("$ref").asText();
            s = document.at(ref.substring(1));
        }
        return s;
    }

    /** Does {@code value} (a real answer) have the fields {@code schema} documents, and no others? */
    private void conforms(String where, JsonNode value, JsonNode schema, List<String> problems) {
        JsonNode s = resolve(ours, schema);
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isArray()) {
            if (!s.has("items")) {
                problems.add(where + ": an array, documented as " + s.path("type"));
                return;
            }
            value.forEach(item -> conforms(where + "[]", item, s.get("items"), problems));
            return;
        }
        if (!value.isObject()) {
            return;
        }
        JsonNode properties = s.path("properties");
        JsonNode additional = s.path("additionalProperties");
        if (properties.isMissingNode() && additional.isMissingNode()) {
            return; // a free-form object
        }
        value.fields().forEachRemaining(field -> {
            if (properties.has(field.getKey())) {
                conforms(where + "." + field.getKey(), field.getValue(), properties.get(field.getKey()), problems);
            } else if (additional.isObject()) {
                conforms(where + "[" + field.getKey() + "]", field.getValue(), additional, problems);
            } else if (!additional.asBoolean(false)) {
                problems.add(where + "." + field.getKey() + ": answered, but not documented");
            }
        });
        s.path("required").forEach(name -> {
            if (!value.has(name.asText())) {
                problems.add(where + "." + name.asText() + ": documented as always there, but missing");
            }
        });
    }

    // ---- the comparison with the reference contract

    /** Compares one contract operation with Sandpod's, collecting what a contract client would trip over. */
    private final class Comparison {

        private final String operation;
        private final List<String> problems;

        Comparison(String operation, List<String> problems) {
            this.operation = operation;
            this.problems = problems;
        }

        void operation(JsonNode theirs, JsonNode mine) {
            parameters(theirs.path("parameters"), mine.path("parameters"));
            JsonNode theirBody = theirs.path("requestBody").path("content");
            theirBody.fields().forEachRemaining(media -> {
                JsonNode myMedia = mine.path("requestBody").path("content").path(media.getKey());
                if (myMedia.isMissingNode()) {
                    problems.add(operation + " request body: " + media.getKey() + " is not accepted");
                } else {
                    compare(
                            operation + " request " + media.getKey(),
                            media.getValue().path("schema"),
                            myMedia.path("schema"),
                            true,
                            new HashSet<>());
                }
            });
            theirs.path("responses").fields().forEachRemaining(response -> {
                String code = response.getKey();
                JsonNode mineResponse = mine.path("responses").path(code);
                if (mineResponse.isMissingNode() && code.startsWith("5")) {
                    mineResponse = mine.path("responses").path("default");
                }
                if (mineResponse.isMissingNode() && "422".equals(code) && onlyPathInput(theirs)) {
                    return; // the contract's server validates path variables; Sandpod's ids are any string
                }
                if (mineResponse.isMissingNode()) {
                    problems.add(operation + " " + code + ": not documented");
                    return;
                }
                JsonNode finalMine = mineResponse;
                response.getValue().path("content").fields().forEachRemaining(media -> {
                    JsonNode myMedia = finalMine.path("content").path(media.getKey());
                    if (myMedia.isMissingNode()) {
                        problems.add(operation + " " + code + ": no " + media.getKey() + " body documented");
                    } else {
                        compare(
                                operation + " " + code + " " + media.getKey(),
                                media.getValue().path("schema"),
                                myMedia.path("schema"),
                                false,
                                new HashSet<>());
                    }
                });
            });
        }

        private static boolean onlyPathInput(JsonNode operation) {
            if (operation.has("requestBody")) {
                return false;
            }
            for (JsonNode p : operation.path("parameters")) {
                if (!"path".equals(p.path("in").asText())) {
                    return false;
                }
            }
            return true;
        }

        private void parameters(JsonNode theirs, JsonNode mine) {
            List<JsonNode> myPath = new ArrayList<>();
            mine.forEach(p -> {
                if ("path".equals(p.path("in").asText())) {
                    myPath.add(p);
                }
            });
            int position = 0;
            for (JsonNode p : theirs) {
                String in = p.path("in").asText();
                String name = p.path("name").asText();
                String where = operation + " " + in + " parameter " + name;
                JsonNode match = null;
                if ("path".equals(in)) {
                    match = position < myPath.size() ? myPath.get(position) : null;
                    position++;
                } else {
                    for (JsonNode candidate : mine) {
                        if (in.equals(candidate.path("in").asText())
                                && name.equalsIgnoreCase(candidate.path("name").asText())) {
                            match = candidate;
                        }
                    }
                }
                if (match == null) {
                    problems.add(where + ": not documented");
                } else {
                    compare(where, p.path("schema"), match.path("schema"), true, new HashSet<>());
                }
            }
        }

        /**
         * @param request whether Sandpod reads the value (a request) or writes it (a response)
         */
        private void compare(String where, JsonNode theirSchema, JsonNode mySchema, boolean request, Set<String> seen) {
            if (!seen.add(where) || seen.size() > 2000) {
                return;
            }
            JsonNode theirs = resolve(contract, theirSchema);
            JsonNode mine = resolve(ours, mySchema);
            List<JsonNode> theirAlternatives = alternatives(contract, theirs);
            List<JsonNode> myAlternatives = alternatives(ours, mine);
            if (theirAlternatives.isEmpty() || myAlternatives.isEmpty()) {
                return; // any value (no type said)
            }
            if (theirAlternatives.size() > 1
                    && theirAlternatives.stream().allMatch(a -> !values(a).isEmpty())) {
                // a union of enumerations (the stream's event types and control frames): their values together
                ObjectNode merged = JsonNodeFactory.instance.objectNode().put("type", type(theirAlternatives.get(0)));
                ArrayNode list = merged.putArray("enum");
                theirAlternatives.stream()
                        .flatMap(a -> values(a).stream())
                        .distinct()
                        .forEach(list::add);
                theirAlternatives = List.of(merged);
            }
            if (theirAlternatives.size() > 1 && theirAlternatives.stream().allMatch(a -> "object".equals(type(a)))) {
                compare(where, envelope(theirAlternatives), mySchema, request, seen);
                return;
            }
            if (theirAlternatives.size() > 1 || myAlternatives.size() > 1) {
                for (JsonNode t : theirAlternatives) {
                    for (JsonNode m : myAlternatives) {
                        List<String> attempt = new ArrayList<>();
                        new Comparison(operation, attempt).compare(where, t, m, request, new HashSet<>());
                        if (attempt.isEmpty()) {
                            return;
                        }
                    }
                }
                problems.add(where + ": no alternative of " + describe(myAlternatives) + " matches "
                        + describe(theirAlternatives));
                return;
            }
            JsonNode t = theirAlternatives.get(0);
            JsonNode m = myAlternatives.get(0);
            String theirType = type(t);
            String myType = type(m);
            if (theirType == null || myType == null) {
                return;
            }
            if (!typesFit(theirType, myType, request)) {
                problems.add(where + ": " + myType + " in the document, " + theirType + " in the contract");
                return;
            }
            enums(where, t, m, request);
            switch (theirType) {
                case "array" -> compare(where + "[]", t.path("items"), m.path("items"), request, seen);
                case "object" -> object(where, t, m, request, seen);
                default -> {}
            }
        }

        private void object(String where, JsonNode theirs, JsonNode mine, boolean request, Set<String> seen) {
            JsonNode theirAdditional = theirs.path("additionalProperties");
            JsonNode myAdditional = mine.path("additionalProperties");
            if (theirAdditional.isObject() && myAdditional.isObject()) {
                compare(where + "{}", theirAdditional, myAdditional, request, seen);
            } else if (theirAdditional.isObject() && !mine.has("properties") && !myAdditional.isObject()) {
                // a map of the contract against a free-form object: any value fits
            } else if (theirAdditional.isObject() && mine.has("properties")) {
                problems.add(where + ": a map in the contract, an object with fixed fields in the document");
            }
            Set<String> ignored = new HashSet<>();
            mine.path("x-sandpod-ignored").forEach(name -> ignored.add(name.asText()));
            Set<String> theirRequired = names(theirs.path("required"));
            Set<String> myRequired = names(mine.path("required"));
            theirs.path("properties").fields().forEachRemaining(field -> {
                String name = field.getKey();
                JsonNode myField = mine.path("properties").path(name);
                if (myField.isMissingNode()) {
                    if (request && ignored.contains(name)) {
                        return;
                    }
                    if (!(mine.path("additionalProperties").asBoolean(false) && !request)) {
                        problems.add(where + "." + name + ": missing");
                    }
                    return;
                }
                if (request && myRequired.contains(name) && !theirRequired.contains(name)) {
                    problems.add(where + "." + name + ": required by Sandpod, optional in the contract");
                }
                if (!request && theirRequired.contains(name) && !myRequired.contains(name)) {
                    problems.add(where + "." + name + ": always there in the contract, not always in the document");
                }
                compare(where + "." + name, field.getValue(), myField, request, seen);
            });
            mine.path("properties").fields().forEachRemaining(field -> {
                if (!theirs.path("properties").has(field.getKey())
                        && !field.getValue().path("x-sandpod-addition").asBoolean()) {
                    problems.add(where + "." + field.getKey() + ": not in the contract and not marked "
                            + "x-sandpod-addition");
                }
            });
        }

        private void enums(String where, JsonNode theirs, JsonNode mine, boolean request) {
            Set<String> theirValues = values(theirs);
            Set<String> myValues = values(mine);
            Set<String> added = names(mine.path("x-sandpod-added-values"));
            for (String value : added) {
                if (theirValues.contains(value)) {
                    problems.add(where + ": '" + value + "' is declared an addition but is in the contract");
                }
            }
            if (theirValues.isEmpty()) {
                if (!myValues.isEmpty() && request) {
                    problems.add(where + ": any value in the contract, only " + myValues + " in the document");
                }
                return;
            }
            if (request) {
                if (!myValues.isEmpty() && !myValues.containsAll(theirValues)) {
                    Set<String> refused = new TreeSet<>(theirValues);
                    refused.removeAll(myValues);
                    problems.add(where + ": the contract may send " + refused + ", not accepted by the document");
                }
            } else if (myValues.isEmpty()) {
                problems.add(where + ": one of " + new TreeSet<>(theirValues) + " in the contract, any string in "
                        + "the document");
            } else {
                Set<String> extra = new TreeSet<>(myValues);
                extra.removeAll(theirValues);
                extra.removeAll(added);
                if (!extra.isEmpty()) {
                    problems.add(where + ": " + extra + " not in the contract and not declared in "
                            + "x-sandpod-added-values");
                }
            }
        }
    }

    /** The fields every object shape of a union has (an event's envelope), with their types merged. */
    private ObjectNode envelope(List<JsonNode> shapes) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("type", "object");
        ObjectNode properties = envelope.putObject("properties");
        Set<String> common = new LinkedHashSet<>();
        shapes.get(0).path("properties").fieldNames().forEachRemaining(common::add);
        Set<String> required = new LinkedHashSet<>(common);
        for (JsonNode shape : shapes) {
            Set<String> names = new HashSet<>();
            shape.path("properties").fieldNames().forEachRemaining(names::add);
            common.retainAll(names);
            required.retainAll(names(shape.path("required")));
        }
        for (String name : common) {
            JsonNode first = resolve(contract, shapes.get(0).path("properties").path(name));
            ObjectNode merged = first.deepCopy();
            Set<String> values = new TreeSet<>();
            for (JsonNode shape : shapes) {
                values.addAll(values(resolve(contract, shape.path("properties").path(name))));
            }
            if (!values.isEmpty()) {
                ArrayNode list = merged.putArray("enum");
                values.forEach(list::add);
                merged.remove("const");
            }
            properties.set(name, merged);
        }
        ArrayNode list = envelope.putArray("required");
        required.retainAll(common);
        required.forEach(list::add);
        return envelope;
    }

    /** The schema's alternatives: anyOf/oneOf members (resolved) without the null type; itself otherwise. */
    private List<JsonNode> alternatives(JsonNode document, JsonNode schema) {
        JsonNode s = resolve(document, schema);
        List<JsonNode> out = new ArrayList<>();
        JsonNode union = s.has("anyOf") ? s.get("anyOf") : s.get("oneOf");
        if (union != null) {
            for (JsonNode member : union) {
                for (JsonNode alternative : alternatives(document, member)) {
                    out.add(alternative);
                }
            }
            return out;
        }
        if (s.has("allOf") && s.get("allOf").size() == 1) {
            return alternatives(document, s.get("allOf").get(0));
        }
        String type = type(s);
        if ("null".equals(type)) {
            return out;
        }
        if (type != null || s.has("properties") || s.has("enum") || s.has("const")) {
            out.add(s);
        }
        return out;
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            if (schema.has("properties") || schema.has("additionalProperties")) {
                return "object";
            }
            if (schema.has("enum") || schema.has("const")) {
                return "string";
            }
            return null;
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
            return "null";
        }
        return type.asText();
    }

    private static boolean typesFit(String theirs, String mine, boolean request) {
        if (theirs.equals(mine)) {
            return true;
        }
        return request
                ? "integer".equals(theirs) && "number".equals(mine)
                : "number".equals(theirs) && "integer".equals(mine);
    }

    private static Set<String> values(JsonNode schema) {
        Set<String> values = new TreeSet<>();
        schema.path("enum").forEach(v -> values.add(v.asText()));
        if (schema.has("const")) {
            values.add(schema.get("const").asText());
        }
        return values;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String describe(List<JsonNode> alternatives) {
        return alternatives.stream().map(ApiDocumentTest::type).toList().toString();
    }
}
