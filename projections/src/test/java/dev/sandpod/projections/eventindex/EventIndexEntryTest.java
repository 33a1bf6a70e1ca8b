package dev.sandpod.projections.eventindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ResourceUsage;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

/** What an index entry keeps of an event, and that the API still sees the event as it always did. */
class EventIndexEntryTest {

    private static final String MARKER = "flood-line-7f3a";

    private static GenericDomainEventMessage<Object> completedWithOutput(String stdout) {
        return new GenericDomainEventMessage<>(
                "Execution",
                "run-1",
                3,
                new ExecutionCompletedEvent(
                        "run-1",
                        new ExecutionOutcome(
                                stdout, "", true, false, 0, null, null, new ResourceUsage(0.25, 1, 100, 10))),
                MetaData.with("userId", "alice").and("requestId", "req-1"),
                "event-1",
                Instant.parse("2026-12-07T10:15:30.123Z"));
    }

    private static int occurrences(String text, String of) {
        Matcher m = Pattern.compile(Pattern.quote(of)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aRunsOutputIsKeptOnceInTheEntryWhereTheApisShapeRepeatsIt() {
        String stdout = (MARKER + " " + "x".repeat(200) + "\n").repeat(500);
        var message = completedWithOutput(stdout);
        String api = AuditedEvent.json(AuditedEvent.render(message));
        assertThat(occurrences(api, MARKER)).as("the API's shape").isEqualTo(3 * 500);

        EventIndexDocument entry = EventIndexProjection.document(message, "alice");

        assertThat(occurrences(entry.eventJson, MARKER)).isEqualTo(500);
        assertThat(entry.eventJson.length()).isLessThan(api.length() / 2);
    }

    @Test
    void aReaderOfTheEntrySeesExactlyTheApisShapeAsDoesAReaderOfAnEntryWrittenBefore() {
        var message = completedWithOutput("hello\n");
        String api = AuditedEvent.json(AuditedEvent.render(message));

        String entry = EventIndexProjection.document(message, "alice").eventJson;

        assertThat(AuditedEvent.json(AuditedEvent.parse(entry))).isEqualTo(api);
        // Entries written before kept the API's shape itself: read the same.
        assertThat(AuditedEvent.json(AuditedEvent.parse(api))).isEqualTo(api);
        assertThat(AuditedEvent.parse(entry))
                .containsEntry("stdout", "hello\n")
                .containsEntry("execution_id", "run-1")
                .containsKey("outcome")
                .containsKey("payload");
    }
}
