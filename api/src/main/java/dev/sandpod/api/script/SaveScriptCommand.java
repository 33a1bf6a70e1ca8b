package dev.sandpod.api.script;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A user saves a new script to their collection. Shape and runtime are checked by the web edge. */
public record SaveScriptCommand(
        @TargetAggregateIdentifier String scriptId,
        String userId,
        String name,
        String script,
        String lang,
        String langVersion,
        String description) {}
