package dev.sandpod.app.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.embedded.mongo.index.WireServer;
import dev.sandpod.projections.execution.ExecutionDocument;
import dev.sandpod.projections.execution.ExecutionReadModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.IndexResolver;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The executions read model's lists (issue 9) on the indexed embedded server, with the indexes the read
 * model declares on its document: every page and total equal what a scan of all documents gives (filters,
 * offsets, the last page, beyond it), through updates that move documents between users and statuses,
 * deletes and a restart; and a page of a user's executions reads only that page's documents, however far
 * into the list it is, its total none.
 */
class ExecutionListsReadOnlyTheirPageTest {

    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
    private static final int USERS = 7;
    private static final int DOCUMENTS = 2100;

    @TempDir
    Path dir;

    private final Random random = new Random(9);

    @Test
    void pagesAndTotalsEqualAScanAndReadOnlyThePage() {
        Path file = dir.resolve("store.mv");
        List<ExecutionDocument> all = new ArrayList<>();
        try (WireServer server = WireServer.indexed(file)) {
            MongoTemplate mongo = template(server);
            for (int i = 0; i < DOCUMENTS; i++) {
                all.add(document(i));
            }
            mongo.insert(all, ExecutionDocument.class);
            ExecutionReadModel readModel = new ExecutionReadModel(mongo);
            assertPagesAsScanned(readModel, all);
            assertReadsOnlyThePage(server, readModel);

            mongo.updateMulti(
                    Query.query(Criteria.where("userId").is("u-2").and("status").is(ExecutionStatus.QUEUED)),
                    Update.update("userId", "u-3"),
                    ExecutionDocument.class);
            mongo.updateMulti(
                    Query.query(Criteria.where("userId").is("u-1").and("lang").is("node")),
                    Update.update("status", ExecutionStatus.FAILED),
                    ExecutionDocument.class);
            List<ExecutionDocument> moved =
                    mongo.find(Query.query(Criteria.where("userId").is("u-0")).limit(40), ExecutionDocument.class);
            for (int i = 0; i < moved.size(); i++) {
                // Older than everything else, still distinct: the index must move them to the end of the list.
                mongo.updateFirst(
                        Query.query(Criteria.where("_id").is(moved.get(i).executionId)),
                        Update.update("createdAt", BASE.minusSeconds(1 + i)),
                        ExecutionDocument.class);
            }
            mongo.remove(
                    Query.query(Criteria.where("userId").is("u-4").and("lang").is("python")), ExecutionDocument.class);
            all = mongo.findAll(ExecutionDocument.class);
            assertPagesAsScanned(readModel, all);
        }
        try (WireServer server = WireServer.indexed(file)) {
            ExecutionReadModel readModel = new ExecutionReadModel(template(server));
            assertPagesAsScanned(readModel, all);
            assertReadsOnlyThePage(server, readModel);
        }
    }

    /** As the application creates them: the indexes declared on the document (auto-index-creation). */
    private static MongoTemplate template(WireServer server) {
        MongoTemplate mongo = new MongoTemplate(server.client(), WireServer.DATABASE);
        IndexResolver.create(mongo.getConverter().getMappingContext())
                .resolveIndexFor(ExecutionDocument.class)
                .forEach(index -> mongo.indexOps(ExecutionDocument.class).ensureIndex(index));
        return mongo;
    }

    private void assertPagesAsScanned(ExecutionReadModel readModel, List<ExecutionDocument> all) {
        ExecutionStatus[] statuses = {null, ExecutionStatus.COMPLETED, ExecutionStatus.FAILED};
        String[] langs = {null, "python"};
        Instant[][] windows = {
            {null, null},
            {BASE.plusSeconds(300), null},
            {null, BASE.plusSeconds(1500)},
            {BASE.plusSeconds(700), BASE.plusSeconds(900)}
        };
        for (int u = 0; u <= USERS; u++) {
            String user = "u-" + u;
            for (ExecutionStatus status : statuses) {
                for (String lang : langs) {
                    for (Instant[] window : windows) {
                        Predicate<ExecutionDocument> filter = d -> d.userId.equals(user)
                                && (status == null || d.status == status)
                                && (lang == null || lang.equals(d.lang))
                                && (window[0] == null || !d.createdAt.isBefore(window[0]))
                                && (window[1] == null || !d.createdAt.isAfter(window[1]));
                        List<ExecutionResultView> expected = all.stream()
                                .filter(filter)
                                .sorted(Comparator.comparing((ExecutionDocument d) -> d.createdAt)
                                        .reversed())
                                .map(ExecutionDocument::toView)
                                .toList();
                        for (int skip :
                                new int[] {0, 1, 49, expected.size() - 3, expected.size(), expected.size() + 5}) {
                            for (int limit : new int[] {1, 50}) {
                                int from = Math.max(skip, 0);
                                ExecutionPageView page = readModel.page(new FindUserExecutionsQuery(
                                        user, status, lang, window[0], window[1], limit, from));
                                List<ExecutionResultView> want = expected.subList(
                                        Math.min(from, expected.size()), Math.min(from + limit, expected.size()));
                                String what = user + " " + status + " " + lang + " " + window[0] + ".." + window[1]
                                        + " skip " + from + " limit " + limit;
                                // Whole views: the list's own reading of the documents gives what the entity gives.
                                assertThat(page.executions()).as(what).containsExactlyElementsOf(want);
                                assertThat(page.total()).as(what).isEqualTo(expected.size());
                                assertThat(page.hasMore()).as(what).isEqualTo(from + want.size() < expected.size());
                                assertThat(page.skip()).isEqualTo(from);
                                assertThat(page.limit()).isEqualTo(limit);
                            }
                        }
                    }
                }
            }
        }
        // The admin list, by status and by priority, over everyone.
        for (ExecutionStatus status : statuses) {
            for (Priority priority : new Priority[] {null, Priority.HIGH}) {
                List<String> expected = all.stream()
                        .filter(d ->
                                (status == null || d.status == status) && (priority == null || d.priority == priority))
                        .sorted(Comparator.comparing((ExecutionDocument d) -> d.createdAt)
                                .reversed())
                        .map(d -> d.executionId)
                        .toList();
                ExecutionPageView page = readModel.page(new FindExecutionsQuery(status, priority, null, 20, 30));
                assertThat(page.executions())
                        .extracting(ExecutionResultView::executionId)
                        .containsExactlyElementsOf(
                                expected.subList(Math.min(30, expected.size()), Math.min(50, expected.size())));
                assertThat(page.total()).isEqualTo(expected.size());
            }
        }
    }

    private static void assertReadsOnlyThePage(WireServer server, ExecutionReadModel readModel) {
        String collection = ExecutionDocument.COLLECTION;
        for (int skip : new int[] {0, 100, 250}) {
            long before = server.documentsRead(collection);
            ExecutionPageView page =
                    readModel.page(new FindUserExecutionsQuery("u-0", null, null, null, null, 50, skip));
            assertThat(page.executions()).hasSize(50);
            assertThat(server.documentsRead(collection) - before)
                    .as("documents read for skip %d, limit 50 and the total", skip)
                    .isEqualTo(50);
        }
        long before = server.documentsRead(collection);
        ExecutionPageView page = readModel.page(
                new FindUserExecutionsQuery("u-0", null, null, BASE.plusSeconds(100), BASE.plusSeconds(1800), 20, 40));
        assertThat(page.executions()).hasSize(20);
        assertThat(server.documentsRead(collection) - before)
                .as("a time window: the page only")
                .isEqualTo(20);
    }

    private ExecutionDocument document(int i) {
        ExecutionDocument doc = new ExecutionDocument();
        doc.executionId = "exec-" + i;
        doc.userId = "u-" + random.nextInt(USERS);
        doc.status = ExecutionStatus.values()[random.nextInt(ExecutionStatus.values().length)];
        doc.script = "print(" + i + ")";
        doc.lang = random.nextBoolean() ? "python" : "node";
        doc.langVersion = "3.11";
        int dice = random.nextInt(4);
        doc.priority = dice == 0 ? Priority.HIGH : dice == 1 ? null : Priority.NORMAL;
        doc.stdout = i + "\n";
        doc.stderr = dice == 2 ? "Traceback" : "";
        doc.stdoutTruncated = dice == 3;
        doc.stderrTruncated = dice == 2;
        doc.exitCode = dice == 1 ? null : dice;
        doc.errorType = dice == 2 ? ErrorType.SCRIPT_ERROR : null;
        doc.errorMessage = dice == 2 ? "failed" : null;
        doc.resourceUsage = dice == 1 ? null : new ResourceUsage(0.05 * i, 3L * i, 100, 9000L + i);
        // Distinct times, inserted out of order: the list order comes from the index, not from insertion.
        doc.createdAt = BASE.plusSeconds((i * 7919L) % DOCUMENTS);
        doc.updatedAt = doc.createdAt.plusMillis(80);
        doc.lastSequence = 7;
        return doc;
    }
}
