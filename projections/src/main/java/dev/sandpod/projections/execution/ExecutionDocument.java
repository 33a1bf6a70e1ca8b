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
    /** What the submission expects on stdout; null when it gave none. */
    public String expectedOutput;

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
    /** The W3C trace id of the request that started the execution (from its events' metadata), for support. */
    public String traceId;
    /** Sequence number of the last event applied: makes redelivered events no-ops. */
    public long lastSequence = -1;

    public ExecutionResultView toView() {
        return new ExecutionResultView(
                executionId,
                userId,
                status,
                stdout,
                stderr,
                lang,
                langVersion,
                resourceUsage == null ? ResourceUsage.NONE : resourceUsage,
                exitCode,
                errorType,
                priority == null ? Priority.NORMAL : priority,
                stdoutTruncated,
                stderrTruncated,
                createdAt,
                updatedAt,
                script,
                traceId,
                expectedOutput);
    }
}
