package dev.sandpod.api.script;

import org.axonframework.serialization.Revision;

@Revision("1")
public record ScriptDeletedEvent(String scriptId, String userId) {}
