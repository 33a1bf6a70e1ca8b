package dev.sandpod.query.script;

import dev.sandpod.api.script.FindSavedScriptQuery;
import dev.sandpod.api.script.FindSavedScriptsQuery;
import dev.sandpod.api.script.SavedScriptView;
import dev.sandpod.api.script.SavedScriptsView;
import dev.sandpod.projections.script.SavedScriptReadModel;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class SavedScriptQueryHandlers {

    private final SavedScriptReadModel readModel;

    SavedScriptQueryHandlers(SavedScriptReadModel readModel) {
        this.readModel = readModel;
    }

    @QueryHandler
    SavedScriptView handle(FindSavedScriptQuery query) {
        return readModel.byId(query.scriptId()).orElse(null);
    }

    @QueryHandler
    SavedScriptsView handle(FindSavedScriptsQuery query) {
        return new SavedScriptsView(readModel.ofUser(query.userId()));
    }
}
