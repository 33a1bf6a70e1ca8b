package dev.sandpod.projections.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The API's reads take an execution's stored document straight into its view ({@link ExecutionViews}, issue 21,
 * reads): it must be exactly what Spring Data's mapping of the document and {@link ExecutionDocument#toView()} give,
 * for a document with every field set, one with the fewest, and through the result and both lists' filters.
 */
@ExtendWith(InMemoryMongo.class)
class ExecutionViewsTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123456Z");

    private static ExecutionDocument full(String id, String user, int minute, ExecutionStatus status) {
        ExecutionDocument d = new ExecutionDocument();
        d.executionId = id;
        d.userId = user;
        d.status = status;
        d.script = "print('\\u00e9')\n";
        d.expectedOutput = "é\n";
        d.lang = "python";
        d.langVersion = "3.11";
        d.priority = Priority.HIGH;
        d.stdout = "é\n";
        d.stderr = "warning\n";
        d.stdoutTruncated = true;
        d.stderrTruncated = true;
        d.exitCode = 3;
        d.errorType = ErrorType.RESOURCE_LIMIT;
        d.errorMessage = "memory";
        d.resourceUsage = new ResourceUsage(0.031, 7, 100, 9100);
        d.createdAt = T0.plus(minute, ChronoUnit.MINUTES);
        d.updatedAt = T0.plus(minute + 1, ChronoUnit.MINUTES);
        d.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        d.lastSequence = 5;
        return d;
    }

    private static ExecutionDocument bare(String id, String user) {
        ExecutionDocument d = new ExecutionDocument();
        d.executionId = id;
        d.userId = user;
        return d;
    }

    private static ExecutionResultView mapped(MongoTemplate mongo, String id) {
        return mongo.findById(id, ExecutionDocument.class).toView();
    }

    @Test
    void aResultReadsAsSpringDataMapsItWithEveryFieldSetAndWithTheFewest(MongoTemplate mongo) {
        mongo.save(full("full", "u1", 0, ExecutionStatus.FAILED));
        mongo.save(bare("bare", "u1"));
        ExecutionReadModel readModel = new ExecutionReadModel(mongo);

        assertThat(readModel.result("full")).contains(mapped(mongo, "full"));
        assertThat(readModel.result("bare")).contains(mapped(mongo, "bare"));
        assertThat(readModel.result("full").orElseThrow().resourceUsage())
                .isEqualTo(new ResourceUsage(0.031, 7, 100, 9100));
        assertThat(readModel.result("bare").orElseThrow().priority()).isEqualTo(Priority.NORMAL);
        assertThat(readModel.result("missing")).isEmpty();
    }

    @Test
    void theListsReadAsSpringDataMapsThemInTheirOrderAndFilters(MongoTemplate mongo) {
        ExecutionStatus[] statuses = ExecutionStatus.values();
        for (int i = 0; i < 12; i++) {
            mongo.save(full("e" + i, i % 3 == 0 ? "u2" : "u1", i, statuses[i % statuses.length]));
        }
        mongo.save(bare("bare", "u1"));
        ExecutionReadModel readModel = new ExecutionReadModel(mongo);

        var all = readModel.page(new FindUserExecutionsQuery("u1", null, null, null, null, 20, 0));
        assertThat(all.total()).isEqualTo(9);
        assertThat(all.executions())
                .extracting(ExecutionResultView::executionId)
                .containsExactly("e11", "e10", "e8", "e7", "e5", "e4", "e2", "e1", "bare");
        assertThat(all.executions())
                .containsExactlyElementsOf(all.executions().stream()
                        .map(v -> mapped(mongo, v.executionId()))
                        .toList());

        var filtered = readModel.page(
                new FindUserExecutionsQuery("u1", statuses[1], "python", T0, T0.plus(30, ChronoUnit.MINUTES), 2, 0));
        List<String> expected = java.util.stream.IntStream.rangeClosed(0, 11)
                .filter(i -> i % 3 != 0 && statuses[i % statuses.length] == statuses[1])
                .mapToObj(i -> "e" + i)
                .sorted((a, b) -> Integer.parseInt(b.substring(1)) - Integer.parseInt(a.substring(1)))
                .toList();
        assertThat(filtered.executions())
                .extracting(ExecutionResultView::executionId)
                .containsExactlyElementsOf(expected.subList(0, Math.min(2, expected.size())));
        assertThat(filtered.total()).isEqualTo(expected.size());

        var admin = readModel.page(new FindExecutionsQuery(null, Priority.HIGH, "u2", 10, 1));
        assertThat(admin.executions())
                .extracting(ExecutionResultView::executionId)
                .containsExactly("e6", "e3", "e0");
        assertThat(admin.executions().get(0)).isEqualTo(mapped(mongo, "e6"));
    }
}
