package dev.sandpod.projections.script;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.script.SavedScriptView;
import dev.sandpod.api.script.ScriptDeletedEvent;
import dev.sandpod.api.script.ScriptSavedEvent;
import dev.sandpod.projections.support.InMemoryMongo;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The saved-scripts read model against a real Mongo wire protocol server (in memory). */
@ExtendWith(InMemoryMongo.class)
class SavedScriptProjectionTest {

    private static final String USER = "user-1";
    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

    private SavedScriptProjection projection;
    private SavedScriptReadModel readModel;

    @BeforeEach
    void setUp(MongoTemplate mongo) {
        projection = new SavedScriptProjection(mongo);
        readModel = new SavedScriptReadModel(mongo);
    }

    private static ScriptSavedEvent saved(String id, String userId, String name) {
        return new ScriptSavedEvent(id, userId, name, "print(1)", "python", "3.11", null);
    }

    @Test
    void anUpdateKeepsTheCreationTimeAndARedeliveredOldEventChangesNothing() {
        projection.on(saved("s-1", USER, "first"), 0, T0);
        projection.on(saved("s-1", USER, "renamed"), 1, T0.plusSeconds(5));
        projection.on(saved("s-1", USER, "first"), 0, T0);

        SavedScriptView view = readModel.byId("s-1").orElseThrow();
        assertThat(view.name()).isEqualTo("renamed");
        assertThat(view.createdAt()).isEqualTo(T0);
        assertThat(view.updatedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(view.revision()).isEqualTo(1);
    }

    @Test
    void aUsersScriptsAreListedNewestFirstAndDeletedOnesAreGone() {
        projection.on(saved("s-1", USER, "old"), 0, T0);
        projection.on(saved("s-2", USER, "new"), 0, T0.plusSeconds(60));
        projection.on(saved("s-3", "someone-else", "theirs"), 0, T0.plusSeconds(30));
        projection.on(saved("s-4", USER, "gone"), 0, T0.plusSeconds(90));
        projection.on(new ScriptDeletedEvent("s-4", USER));

        assertThat(readModel.ofUser(USER)).extracting(SavedScriptView::scriptId).containsExactly("s-2", "s-1");
        assertThat(readModel.byId("s-4")).isEmpty();
    }
}
