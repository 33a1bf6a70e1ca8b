package dev.sandpod.web.script;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.script.DeleteScriptCommand;
import dev.sandpod.api.script.FindSavedScriptQuery;
import dev.sandpod.api.script.FindSavedScriptsQuery;
import dev.sandpod.api.script.SaveScriptCommand;
import dev.sandpod.api.script.SavedScriptView;
import dev.sandpod.api.script.SavedScriptsView;
import dev.sandpod.api.script.UpdateScriptCommand;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.script.ScriptRules;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The caller's saved scripts: list, read, create, change, delete. Someone else's script answers 404 like a
 * missing one. Each write answers once the read model shows it, so a client that lists right after saving
 * sees its script.
 */
@RestController
@RequestMapping("/api/v1/scripts")
@Tag(name = "Saved scripts", description = "The caller's saved scripts")
class SavedScriptController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a write waits for the read model; it is normally a few milliseconds behind. */
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);

    private static final int CATCH_UP_POLLS = 300;

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ScriptRules rules;

    SavedScriptController(CommandGateway commands, QueryGateway queries, ScriptRules rules) {
        this.commands = commands;
        this.queries = queries;
        this.rules = rules;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "SavedScriptCreateRequest")
    record CreateRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String name,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String script,

            @Schema(defaultValue = "python") String lang,
            @Schema(defaultValue = "3.11") String langVersion,
            String description) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(
            name = "SavedScriptUpdate",
            description = "Fields left out keep their value (updated_at is accepted and ignored)",
            extensions =
                    @Extension(
                            properties =
                                    @ExtensionProperty(
                                            name = "x-sandpod-ignored",
                                            value = "[\"updated_at\"]",
                                            parseValue = true)))
    record UpdateRequest(String name, String script, String lang, String langVersion, String description) {}

    @Schema(name = "SavedScriptResponse")
    record ScriptResponse(
            String scriptId,
            String name,
            String script,
            String lang,
            String langVersion,
            String description,
            Instant createdAt,
            Instant updatedAt) {

        static ScriptResponse of(SavedScriptView v) {
            return new ScriptResponse(
                    v.scriptId(),
                    v.name(),
                    v.script(),
                    v.lang(),
                    v.langVersion(),
                    v.description(),
                    v.createdAt(),
                    v.updatedAt());
        }
    }

    @Schema(name = "SavedScriptListResponse")
    record ScriptListResponse(List<ScriptResponse> scripts) {}

    @GetMapping({"", "/"})
    @Operation(summary = "The caller's saved scripts")
    @ApiResponse(responseCode = "200", description = "All of them")
    Mono<ScriptListResponse> list(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindSavedScriptsQuery(caller.userId()), SavedScriptsView.class))
                .timeout(TIMEOUT)
                .map(view -> new ScriptListResponse(
                        view.scripts().stream().map(ScriptResponse::of).toList()))
                .defaultIfEmpty(new ScriptListResponse(List.of()));
    }

    @GetMapping({"/{scriptId}", "/{scriptId}/"})
    @Operation(summary = "One saved script")
    @ApiResponse(responseCode = "200", description = "The script")
    @ApiResponse(responseCode = "404", description = "No such script, or not the caller's")
    Mono<ScriptResponse> get(@PathVariable String scriptId, Caller caller) {
        return owned(scriptId, caller).map(ScriptResponse::of);
    }

    @PostMapping({"", "/"})
    @Operation(summary = "Save a script")
    @ApiResponse(responseCode = "200", description = "The saved script")
    @ApiResponse(responseCode = "422", description = "A field is missing or too long, or no such runtime")
    Mono<ScriptResponse> create(@RequestBody CreateRequest request, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    rules.check(request.name(), request.script(), request.description(), false);
                    String lang = request.lang() == null ? "python" : request.lang();
                    String version = request.langVersion() == null ? "3.11" : request.langVersion();
                    rules.checkRuntime(lang, version);
                    return new SaveScriptCommand(
                            UUID.randomUUID().toString(),
                            caller.userId(),
                            request.name(),
                            request.script(),
                            lang,
                            version,
                            request.description());
                })
                .flatMap(command -> Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                        .timeout(TIMEOUT)
                        .then(await(command.scriptId(), view -> view.isPresent())))
                .map(view -> ScriptResponse.of(view.orElseThrow(() -> new SandpodException(
                        ErrorCode.SERVICE_UNAVAILABLE, "The script was saved but is not readable yet"))));
    }

    @PutMapping({"/{scriptId}", "/{scriptId}/"})
    @Operation(summary = "Change a saved script")
    @ApiResponse(responseCode = "200", description = "The script as changed")
    @ApiResponse(responseCode = "404", description = "No such script, or not the caller's")
    @ApiResponse(responseCode = "422", description = "A field is too long, or no such runtime")
    Mono<ScriptResponse> update(
            @PathVariable String scriptId, @RequestBody UpdateRequest request, Caller caller, ServerHttpRequest http) {
        return owned(scriptId, caller).flatMap(current -> {
            rules.check(request.name(), request.script(), request.description(), true);
            if (request.lang() != null || request.langVersion() != null) {
                rules.checkRuntime(
                        request.lang() == null ? current.lang() : request.lang(),
                        request.langVersion() == null ? current.langVersion() : request.langVersion());
            }
            var command = new UpdateScriptCommand(
                    scriptId,
                    caller.userId(),
                    request.name(),
                    request.script(),
                    request.lang(),
                    request.langVersion(),
                    request.description());
            return Mono.fromFuture(() -> commands.<Long>send(Origin.command(command, caller, http)))
                    .timeout(TIMEOUT)
                    .flatMap(revision -> await(
                            scriptId,
                            view -> view.map(v -> v.revision() >= revision).orElse(true)))
                    .map(view -> ScriptResponse.of(view.orElse(current)));
        });
    }

    @DeleteMapping({"/{scriptId}", "/{scriptId}/"})
    @Operation(summary = "Delete a saved script")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such script, or not the caller's")
    Mono<ResponseEntity<Void>> delete(@PathVariable String scriptId, Caller caller, ServerHttpRequest http) {
        return owned(scriptId, caller)
                .flatMap(current -> Mono.fromFuture(() -> commands.send(
                                Origin.command(new DeleteScriptCommand(scriptId, caller.userId()), caller, http)))
                        .timeout(TIMEOUT))
                .then(await(scriptId, Optional::isEmpty))
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build());
    }

    /** Someone else's script does not exist for the caller: 404, as for a missing one. */
    private Mono<SavedScriptView> owned(String scriptId, Caller caller) {
        return find(scriptId)
                .filter(view -> view.userId().equals(caller.userId()))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Script not found")));
    }

    private Mono<SavedScriptView> find(String scriptId) {
        return Mono.fromFuture(() -> queries.query(new FindSavedScriptQuery(scriptId), SavedScriptView.class))
                .timeout(TIMEOUT);
    }

    /** Polls the read model until it satisfies {@code done}, or gives up and answers what it has then. */
    private Mono<Optional<SavedScriptView>> await(String scriptId, Predicate<Optional<SavedScriptView>> done) {
        return Mono.defer(() -> find(scriptId))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .repeatWhen(again -> again.delayElements(CATCH_UP_POLL))
                .take(CATCH_UP_POLLS)
                .takeUntil(done)
                .last();
    }
}
