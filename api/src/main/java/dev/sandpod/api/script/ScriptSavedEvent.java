package dev.sandpod.api.script;

import org.axonframework.serialization.Revision;

/** A script as saved by its owner: the whole script after the change, on creation and on every update. */
@Revision("1")
public record ScriptSavedEvent(
        String scriptId,
        String userId,
        String name,
        String script,
        String lang,
        String langVersion,
        String description) {}
