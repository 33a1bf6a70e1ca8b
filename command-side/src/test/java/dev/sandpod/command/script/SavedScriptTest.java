package dev.sandpod.command.script;

import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.script.DeleteScriptCommand;
import dev.sandpod.api.script.SaveScriptCommand;
import dev.sandpod.api.script.ScriptDeletedEvent;
import dev.sandpod.api.script.ScriptSavedEvent;
import dev.sandpod.api.script.UpdateScriptCommand;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SavedScriptTest {

    private static final String ID = "script-1";
    private static final String OWNER = "user-1";
    private static final String STRANGER = "user-2";

    private FixtureConfiguration<SavedScript> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(SavedScript.class);
    }

    private static ScriptSavedEvent saved() {
        return new ScriptSavedEvent(ID, OWNER, "hello", "print('hi')", "python", "3.11", "greets");
    }

    @Test
    void savingAScriptRecordsIt() {
        fixture.givenNoPriorActivity()
                .when(new SaveScriptCommand(ID, OWNER, "hello", "print('hi')", "python", "3.11", "greets"))
                .expectEvents(saved());
    }

    @Test
    void anUpdateKeepsTheFieldsItLeavesOutAndAnswersTheNewRevision() {
        fixture.given(saved())
                .when(new UpdateScriptCommand(ID, OWNER, "hello v2", null, null, "3.12", null))
                .expectEvents(new ScriptSavedEvent(ID, OWNER, "hello v2", "print('hi')", "python", "3.12", "greets"))
                .expectResultMessagePayload(1L);
    }

    @Test
    void anUpdateThatChangesNothingRecordsNothing() {
        fixture.given(saved())
                .when(new UpdateScriptCommand(ID, OWNER, "hello", null, null, null, null))
                .expectNoEvents()
                .expectResultMessagePayload(0L);
    }

    @Test
    void anotherUserCannotChangeOrDeleteTheScript() {
        fixture.given(saved())
                .when(new UpdateScriptCommand(ID, STRANGER, "mine now", null, null, null, null))
                .expectException(SandpodException.class)
                .expectExceptionMessage("Script not found")
                .expectNoEvents();
        fixture.given(saved())
                .when(new DeleteScriptCommand(ID, STRANGER))
                .expectException(SandpodException.class)
                .expectNoEvents();
    }

    @Test
    void theOwnerDeletesTheScriptOnce() {
        fixture.given(saved()).when(new DeleteScriptCommand(ID, OWNER)).expectEvents(new ScriptDeletedEvent(ID, OWNER));
        fixture.given(saved(), new ScriptDeletedEvent(ID, OWNER))
                .when(new DeleteScriptCommand(ID, OWNER))
                .expectException(SandpodException.class)
                .expectNoEvents();
    }

    @Test
    void aDeletedScriptCannotBeChanged() {
        fixture.given(saved(), new ScriptDeletedEvent(ID, OWNER))
                .when(new UpdateScriptCommand(ID, OWNER, "back", null, null, null, null))
                .expectException(SandpodException.class)
                .expectNoEvents();
    }
}
