package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Read access to the execution read model for the query side; returns views, never documents. */
@Component
public class ExecutionReadModel implements DisposableBean {

    private static final int COUNT_THREADS = 8;

    private final MongoTemplate mongo;
    private final ExecutorService counts = countExecutor();

    public ExecutionReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<ExecutionResultView> result(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, ExecutionDocument.class)).map(ExecutionDocument::toView);
    }

    /** Frames of one execution in stored order; the full result rides on {@code result_stored}. */
    public List<ExecutionFrameView> frames(String executionId) {
        List<ExecutionFrameDocument> frames = mongo.find(Query.query(Criteria.where("executionId").is(executionId)),
                ExecutionFrameDocument.class);
        frames.sort(Comparator.comparingLong(f -> f.sequence));
        ExecutionDocument result = frames.stream().anyMatch(f -> "result_stored".equals(f.eventType))
                ? mongo.findById(executionId, ExecutionDocument.class)
                : null;
        return frames.stream()
                .map(f -> ExecutionProjection.toView(f, "result_stored".equals(f.eventType) ? result : null))
                .toList();
    }

    public ExecutionPageView page(FindExecutionsQuery q) {
        Criteria criteria = new Criteria();
        if (q.status() != null) {
            criteria = criteria.and("status").is(q.status());
        }
        if (q.priority() != null) {
            criteria = criteria.and("priority").is(q.priority());
        }
        if (q.userId() != null) {
            criteria = criteria.and("userId").is(q.userId());
        }
        return page(Query.query(criteria), q.limit(), q.skip());
    }

    public ExecutionPageView page(FindUserExecutionsQuery q) {
        Criteria criteria = Criteria.where("userId").is(q.userId());
        if (q.status() != null) {
            criteria = criteria.and("status").is(q.status());
        }
        if (q.lang() != null) {
            criteria = criteria.and("lang").is(q.lang());
        }
        if (q.startTime() != null || q.endTime() != null) {
            Criteria created = criteria.and("createdAt");
            if (q.startTime() != null) {
                created = created.gte(q.startTime());
            }
            if (q.endTime() != null) {
                created = created.lte(q.endTime());
            }
        }
        return page(Query.query(criteria), q.limit(), q.skip());
    }

    /**
     * The total and the page are two independent reads (as they were one after the other): the count runs
     * on {@link #counts} while this thread reads the page, so a page costs one round trip's wait, not two.
     * Both use the read model's index for the filter and {@code createdAt} order (see {@link ExecutionDocument}).
     */
    private ExecutionPageView page(Query query, int limit, int skip) {
        Query countQuery = Query.of(query);
        CompletableFuture<Long> count = CompletableFuture.supplyAsync(
                () -> mongo.count(countQuery, ExecutionDocument.class), counts);
        List<ExecutionResultView> items;
        try {
            query.with(Sort.by(Sort.Direction.DESC, "createdAt")).skip(skip).limit(limit);
            // The query mapped for the document class (field names, enums, instants), the result read as BSON.
            items = mongo.query(ExecutionDocument.class).as(Document.class).matching(query).all().stream()
                    .map(ExecutionDocument::toView)
                    .toList();
        } catch (RuntimeException e) {
            count.cancel(false);
            throw e;
        }
        long total = join(count);
        return new ExecutionPageView(items, total, limit, skip, skip + items.size() < total);
    }

    private static long join(CompletableFuture<Long> count) {
        try {
            return count.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public void destroy() {
        counts.shutdown();
    }

    /**
     * Threads for the counts of pages: a few, created on demand and dropped when idle; when all are busy (or
     * the pool is shut down) the count runs on the caller's thread before the page is read, as it did before.
     */
    private static ExecutorService countExecutor() {
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "execution-page-count-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // Not CallerRunsPolicy: it drops the task once the pool is shut down, and the page would wait forever.
        RejectedExecutionHandler runHere = (task, pool) -> task.run();
        return new ThreadPoolExecutor(0, COUNT_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), factory, runHere);
    }
}
