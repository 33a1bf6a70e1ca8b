package dev.sandpod.command.script;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.script.DeleteScriptCommand;
import dev.sandpod.api.script.SaveScriptCommand;
import dev.sandpod.api.script.ScriptDeletedEvent;
import dev.sandpod.api.script.ScriptSavedEvent;
import dev.sandpod.api.script.UpdateScriptCommand;
import java.util.Objects;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * A script a user keeps. Only its owner sees or changes it: for anyone else it does not exist
 * (404, never 403, so ids cannot be probed). Handlers answer the revision their change ends at, so that
 * the web edge can wait for the read model to show it.
 */
@Aggregate
class SavedScript {

    @AggregateIdentifier
    private String scriptId;

    private String userId;
    private String name;
    private String script;
    private String lang;
    private String langVersion;
    private String description;
    private boolean deleted;
    private long revision;

    SavedScript() {
        // for Axon
    }

    @CommandHandler
    SavedScript(SaveScriptCommand command) {
        apply(new ScriptSavedEvent(
                command.scriptId(),
                command.userId(),
                command.name(),
                command.script(),
                command.lang(),
                command.langVersion(),
                command.description()));
    }

    @CommandHandler
    long handle(UpdateScriptCommand command) {
        requireOwner(command.userId());
        var next = new ScriptSavedEvent(
                scriptId,
                userId,
                command.name() == null ? name : command.name(),
                command.script() == null ? script : command.script(),
                command.lang() == null ? lang : command.lang(),
                command.langVersion() == null ? langVersion : command.langVersion(),
                command.description() == null ? description : command.description());
        if (!sameAsNow(next)) {
            apply(next);
        }
        return revision;
    }

    @CommandHandler
    long handle(DeleteScriptCommand command) {
        requireOwner(command.userId());
        apply(new ScriptDeletedEvent(scriptId, userId));
        return revision;
    }

    private void requireOwner(String caller) {
        if (deleted || !Objects.equals(userId, caller)) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "Script not found");
        }
    }

    private boolean sameAsNow(ScriptSavedEvent next) {
        return Objects.equals(next.name(), name)
                && Objects.equals(next.script(), script)
                && Objects.equals(next.lang(), lang)
                && Objects.equals(next.langVersion(), langVersion)
                && Objects.equals(next.description(), description);
    }

    @EventSourcingHandler
    void on(ScriptSavedEvent event, @SequenceNumber long sequence) {
        scriptId = event.scriptId();
        userId = event.userId();
        name = event.name();
        script = event.script();
        lang = event.lang();
        langVersion = event.langVersion();
        description = event.description();
        revision = sequence;
    }

    @EventSourcingHandler
    void on(ScriptDeletedEvent event, @SequenceNumber long sequence) {
        deleted = true;
        revision = sequence;
    }
}
