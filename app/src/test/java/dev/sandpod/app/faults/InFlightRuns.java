package dev.sandpod.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandpod.app.journey.ApiSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A burst of runs of several kinds (quick, sleeping, output-heavy, hostile) and what a user must find of them
 * after a fault: each ended, once, with its whole output, and its read model saying what its events say.
 */
final class InFlightRuns {

    static final Set<String> TERMINAL = Set.of("completed", "failed", "timeout", "cancelled", "error");
    /** The terminal event of each status. */
    private static final Map<String, String> OUTCOME_EVENT = Map.of(
            "completed", "execution_completed",
            "failed", "execution_failed",
            "timeout", "execution_timeout",
            "cancelled", "execution_cancelled",
            "error", "execution_error");

    private static final int HEAVY_LINES = 3000;

    enum Kind {
        QUICK,
        SLEEPING,
        OUTPUT_HEAVY,
        /** A fork bomb: held at the pids limit until its timeout. */
        HOSTILE
    }

    record Run(String id, String name, Kind kind) {
        String expectedStdout() {
            return InFlightRuns.expectedStdout(name, kind);
        }
    }

    private final ApiSession session;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    InFlightRuns(ApiSession session) {
        this.session = session;
    }

    /** Submits {@code total} runs: quick, sleeping and output-heavy in turn, one of them hostile if asked. */
    InFlightRuns submit(int total, String prefix, boolean oneHostile) {
        for (int i = 0; i < total; i++) {
            Kind kind = oneHostile && i == total / 2 ? Kind.HOSTILE : Kind.values()[i % 3];
            String name = prefix + "-" + i;
            String id = session.execute("python", "3.11", script(name, kind));
            runs.put(id, new Run(id, name, kind));
        }
        return this;
    }

    Map<String, Run> runs() {
        return runs;
    }

    static String script(String name, Kind kind) {
        return switch (kind) {
            case QUICK -> "print('" + name + "')\n";
            case SLEEPING -> "import time\ntime.sleep(2)\nprint('" + name + "')\n";
            case OUTPUT_HEAVY -> "for i in range(" + HEAVY_LINES + "):\n    print('" + name + "', i)\n";
            case HOSTILE -> "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n";
        };
    }

    static String expectedStdout(String name, Kind kind) {
        if (kind != Kind.OUTPUT_HEAVY) {
            return kind == Kind.HOSTILE ? null : name + "\n";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < HEAVY_LINES; i++) {
            out.append(name).append(' ').append(i).append('\n');
        }
        return out.toString();
    }

    String status(String id) {
        return session.get("/api/v1/executions/" + id + "/result")
                .body()
                .path("status")
                .asText();
    }

    /** Statuses now, by id. */
    Map<String, String> statuses() {
        Map<String, String> now = new LinkedHashMap<>();
        for (String id : runs.keySet()) {
            now.put(id, status(id));
        }
        return now;
    }

    boolean allTerminal() {
        return runs.keySet().stream().allMatch(id -> TERMINAL.contains(status(id)));
    }

    long count(String status) {
        return statuses().values().stream().filter(status::equals).count();
    }

    /**
     * Checks every run against its own history and returns how many ended per status. A run counts as lost if
     * it has no {@code result_stored}, as duplicated if it has more than one; both must be none.
     */
    Map<String, Integer> verify() {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (Run run : runs.values()) {
            JsonNode result =
                    session.get("/api/v1/executions/" + run.id() + "/result").body();
            String status = result.path("status").asText();
            byStatus.merge(status, 1, Integer::sum);
            List<JsonNode> events = new ArrayList<>();
            session.get("/api/v1/executions/" + run.id() + "/events?limit=1000")
                    .body()
                    .forEach(events::add);
            List<JsonNode> stored = ofType(events, "result_stored");
            if (stored.isEmpty()) {
                lost.add(run.id());
                continue;
            }
            if (stored.size() > 1) {
                duplicated.add(run.id());
            }
            String label = run.kind() + " " + run.name() + " " + run.id();
            assertThat(status).as(label).isIn(TERMINAL);
            assertThat(events.get(events.size() - 1).path("event_type").asText())
                    .as(label + ": result_stored comes last")
                    .isEqualTo("result_stored");
            assertThat(fields(stored.get(0)).path("status").asText())
                    .as(label + ": result_stored says the read model's status")
                    .isEqualToIgnoringCase(status);
            List<JsonNode> outcomes = ofType(events, OUTCOME_EVENT.get(status));
            assertThat(outcomes)
                    .as(label + ": one " + OUTCOME_EVENT.get(status) + " in " + events)
                    .hasSize(1);
            JsonNode outcome = fields(outcomes.get(0)).path("outcome");
            if (!outcome.isMissingNode()) {
                assertThat(result.path("stdout").asText())
                        .as(label + ": stdout as the event says")
                        .isEqualTo(outcome.path("stdout").asText());
                assertThat(result.path("stderr").asText())
                        .as(label + ": stderr as the event says")
                        .isEqualTo(outcome.path("stderr").asText());
                assertThat(result.path("exit_code").toString())
                        .as(label + ": exit code as the event says")
                        .isEqualTo(outcome.path("exit_code").toString());
            }
            if (status.equals("completed") && run.kind() != Kind.HOSTILE) {
                assertThat(result.path("stdout").asText())
                        .as(label + ": the whole output")
                        .isEqualTo(run.expectedStdout());
            }
        }
        assertThat(lost).as("runs without result_stored (lost)").isEmpty();
        assertThat(duplicated).as("runs with more than one result_stored").isEmpty();
        return byStatus;
    }

    /** An event's own fields: beside its envelope, or under {@code payload}. */
    private static JsonNode fields(JsonNode event) {
        return event.has("payload") ? event.get("payload") : event;
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream()
                .filter(e -> type.equals(e.path("event_type").asText()))
                .toList();
    }
}
