package dev.sandpod.api.script;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record DeleteScriptCommand(@TargetAggregateIdentifier String scriptId, String userId) {}
