package dev.sandpod.api.script;

import java.time.Instant;

/** {@code revision} is the sequence number of the last event applied: lets writers wait for their change. */
public record SavedScriptView(
        String scriptId,
        String userId,
        String name,
        String script,
        String lang,
        String langVersion,
        String description,
        Instant createdAt,
        Instant updatedAt,
        long revision) {}
