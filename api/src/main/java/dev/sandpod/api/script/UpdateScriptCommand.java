package dev.sandpod.api.script;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The owner changes a saved script; {@code null} fields keep their current value. */
public record UpdateScriptCommand(
        @TargetAggregateIdentifier String scriptId,
        String userId,
        String name,
        String script,
        String lang,
        String langVersion,
        String description) {}
