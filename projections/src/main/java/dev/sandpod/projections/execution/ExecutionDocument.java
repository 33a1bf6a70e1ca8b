package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The result read model: one document per execution, kept by {@link ExecutionProjection}.
 *
 * <p>Indexes, one per list the API serves (all newest first): a user's own executions with optional
 * status/lang/time filters ({@code user_created}: equality on the user, range and order on the time);
 * the admin list, unfiltered ({@code created}), by status ({@code status_created}) or by priority
 * ({@code priority_created}; without it the admin list filtered by priority counts its total over every
 * execution). Lookups by id use {@code _id}.
 */
@Document(ExecutionDocument.COLLECTION)
@CompoundIndex(name = "user_created", def = "{'userId': 1, 'createdAt': -1}")
@CompoundIndex(name = "status_created", def = "{'status': 1, 'createdAt': -1}")
@CompoundIndex(name = "priority_created", def = "{'priority': 1, 'createdAt': -1}")
@CompoundIndex(name = "created", def = "{'createdAt': -1}")
public class ExecutionDocument {

    public static final String COLLECTION = "executions";

    @Id
    public String executionId;
    public String userId;
    public ExecutionStatus status;
    public String script;
    public String lang;
    public String langVersion;
    public Priority priority;
    public String stdout;
    public String stderr;
    public boolean stdoutTruncated;
    public boolean stderrTruncated;
    public Integer exitCode;
    public ErrorType errorType;
    public String errorMessage;
    public ResourceUsage resourceUsage;
    public Instant createdAt;
    public Instant updatedAt;
    /** Sequence number of the last event applied: makes redelivered events no-ops. */
    public long lastSequence = -1;

    /**
     * The view of a stored document read as BSON, without the mapping converter: what {@link #toView()}
     * gives for the same document (lists read 50 documents per request, and mapping them through Spring
     * Data's reflective entity reader was a tenth of the read model's time). Field names and types are the
     * ones Spring Data writes for this class: the id as {@code _id}, enums by name, instants as dates,
     * {@link ResourceUsage} as an embedded document of its components.
     */
    static ExecutionResultView toView(org.bson.Document d) {
        ResourceUsage usage = ResourceUsage.NONE;
        if (d.get("resourceUsage") instanceof org.bson.Document u) {
            usage = new ResourceUsage(number(u.get("wallSeconds")).doubleValue(), number(u.get("cpuTimeJiffies")).longValue(),
                    number(u.get("clkTckHertz")).intValue(), number(u.get("peakMemoryKb")).longValue());
        }
        Priority priority = named(Priority.class, d.get("priority"));
        return new ExecutionResultView(string(d.get("_id")), string(d.get("userId")), named(ExecutionStatus.class, d.get("status")),
                string(d.get("stdout")), string(d.get("stderr")), string(d.get("lang")), string(d.get("langVersion")), usage,
                d.get("exitCode") instanceof Number n ? n.intValue() : null, named(ErrorType.class, d.get("errorType")),
                priority == null ? Priority.NORMAL : priority, Boolean.TRUE.equals(d.get("stdoutTruncated")),
                Boolean.TRUE.equals(d.get("stderrTruncated")), instant(d.get("createdAt")), instant(d.get("updatedAt")),
                string(d.get("script")));
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static <E extends Enum<E>> E named(Class<E> type, Object value) {
        return value == null ? null : Enum.valueOf(type, value.toString());
    }

    private static Instant instant(Object value) {
        return value instanceof java.util.Date date ? date.toInstant() : (Instant) value;
    }

    public ExecutionResultView toView() {
        return new ExecutionResultView(executionId, userId, status, stdout, stderr, lang, langVersion,
                resourceUsage == null ? ResourceUsage.NONE : resourceUsage, exitCode, errorType,
                priority == null ? Priority.NORMAL : priority, stdoutTruncated, stderrTruncated, createdAt, updatedAt, script);
    }
}
