package dev.sandpod.web.script;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.script.FindSavedScriptQuery;
import dev.sandpod.api.script.FindSavedScriptsQuery;
import dev.sandpod.api.script.SavedScriptView;
import dev.sandpod.api.script.SavedScriptsView;
import dev.sandpod.api.web.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The caller's saved scripts (SPEC §5); someone else's script answers 404 like a missing one. */
@RestController
@RequestMapping("/api/v1/scripts")
class SavedScriptQueryController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;

    SavedScriptQueryController(QueryGateway queries) {
        this.queries = queries;
    }

    record ScriptResponse(String scriptId, String name, String script, String lang, String langVersion,
            String description, Instant createdAt, Instant updatedAt) {

        static ScriptResponse of(SavedScriptView v) {
            return new ScriptResponse(v.scriptId(), v.name(), v.script(), v.lang(), v.langVersion(), v.description(),
                    v.createdAt(), v.updatedAt());
        }
    }

    record ScriptListResponse(List<ScriptResponse> scripts) {
    }

    @GetMapping({"", "/"})
    Mono<ScriptListResponse> list(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindSavedScriptsQuery(caller.userId()), SavedScriptsView.class))
                .timeout(TIMEOUT)
                .map(view -> new ScriptListResponse(view.scripts().stream().map(ScriptResponse::of).toList()))
                .defaultIfEmpty(new ScriptListResponse(List.of()));
    }

    @GetMapping({"/{scriptId}", "/{scriptId}/"})
    Mono<ScriptResponse> get(@PathVariable String scriptId, Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindSavedScriptQuery(scriptId), SavedScriptView.class))
                .timeout(TIMEOUT)
                .filter(view -> view.userId().equals(caller.userId()))
                .map(ScriptResponse::of)
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Script not found")));
    }
}
