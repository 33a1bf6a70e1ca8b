package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionPageView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.FindExecutionsQuery;
import dev.sandpod.api.execution.FindUserExecutionsQuery;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Read access to the execution read model for the query side; returns views, never documents. */
@Component
public class ExecutionReadModel {

    private final MongoTemplate mongo;

    public ExecutionReadModel(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Read as the stored document, straight into the view ({@link ExecutionViews}). */
    public Optional<ExecutionResultView> result(String executionId) {
        return Optional.ofNullable(mongo.findById(executionId, Document.class, ExecutionDocument.COLLECTION))
                .map(ExecutionViews::of);
    }

    /** Frames of one execution in stored order; the full result rides on {@code result_stored}. */
    public List<ExecutionFrameView> frames(String executionId) {
        List<ExecutionFrameDocument> frames =
                mongo.find(Query.query(Criteria.where("executionId").is(executionId)), ExecutionFrameDocument.class);
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
     * The total, then the page; both use the read model's index for the filter and {@code createdAt} order. The page's
     * documents are read as stored, straight into their views ({@link ExecutionViews}).
     */
    private ExecutionPageView page(Query query, int limit, int skip) {
        long total = mongo.count(query, ExecutionDocument.class);
        query.with(Sort.by(Sort.Direction.DESC, "createdAt")).skip(skip).limit(limit);
        List<ExecutionResultView> items = mongo.find(query, Document.class, ExecutionDocument.COLLECTION).stream()
                .map(ExecutionViews::of)
                .toList();
        return new ExecutionPageView(items, total, limit, skip, skip + items.size() < total);
    }
}
