package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * An {@link ExecutionDocument} as stored, read straight into its view for the API's reads: what Spring Data's mapping
 * of the document and {@link ExecutionDocument#toView()} give, without the mapping's per-property machinery, which
 * was most of a page's cost after the store itself (issue 21, reads; docs/architecture.md). The stored form is Spring
 * Data's default for the class (no custom conversions): enums by name, instants as dates, the resource usage as a
 * sub-document; {@code ExecutionViewsTest} holds the two readings equal over every field.
 */
final class ExecutionViews {

    private ExecutionViews() {}

    static ExecutionResultView of(Document d) {
        ResourceUsage usage = usage(d.get("resourceUsage", Document.class));
        Priority priority = named(Priority.class, d.getString("priority"));
        return new ExecutionResultView(
                d.getString("_id"),
                d.getString("userId"),
                named(ExecutionStatus.class, d.getString("status")),
                d.getString("stdout"),
                d.getString("stderr"),
                d.getString("lang"),
                d.getString("langVersion"),
                usage == null ? ResourceUsage.NONE : usage,
                d.get("exitCode") instanceof Number n ? n.intValue() : null,
                named(ErrorType.class, d.getString("errorType")),
                priority == null ? Priority.NORMAL : priority,
                Boolean.TRUE.equals(d.getBoolean("stdoutTruncated")),
                Boolean.TRUE.equals(d.getBoolean("stderrTruncated")),
                instant(d.get("createdAt")),
                instant(d.get("updatedAt")),
                d.getString("script"),
                d.getString("traceId"),
                d.getString("expectedOutput"));
    }

    private static ResourceUsage usage(Document u) {
        if (u == null) {
            return null;
        }
        return new ResourceUsage(
                number(u.get("wallSeconds")).doubleValue(),
                number(u.get("cpuTimeJiffies")).longValue(),
                number(u.get("clkTckHertz")).intValue(),
                number(u.get("peakMemoryKb")).longValue());
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }

    private static Instant instant(Object value) {
        return value instanceof Date date ? date.toInstant() : null;
    }

    private static <E extends Enum<E>> E named(Class<E> type, String name) {
        return name == null ? null : Enum.valueOf(type, name);
    }
}
