package dev.sandpod.web.execution;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.command.execution.BatchAdmission;
import dev.sandpod.command.execution.ExecutionAdmission;
import dev.sandpod.query.execution.ExecutionAccess;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.ratelimit.ExecutionQuota;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Batches for graders and CI jobs: many submissions in one call, admitted whole or refused whole, and their
 * results in one call. Each submission is its own execution; the per-minute execute limit counts every one, and
 * the per-user cap on active runs still bounds how many run at once (the rest wait their turn).
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Executions")
class ExecutionBatchController {

    static final int MAX_IDS = 100;

    private final BatchAdmission batches;
    private final ExecutionAccess access;
    private final ExecutionQuota quota;

    ExecutionBatchController(BatchAdmission batches, ExecutionAccess access, ExecutionQuota quota) {
        this.batches = batches;
        this.access = access;
        this.quota = quota;
    }

    @Schema(name = "ExecutionBatchRequest")
    record BatchRequest(
            @NotNull(message = "submissions is required")
            @Size(min = 1, max = BatchAdmission.MAX_BATCH, message = "A batch holds 1 to 20 submissions")
            @ArraySchema(
                    arraySchema = @Schema(description = "Each as POST /api/v1/execute takes it"),
                    minItems = 1,
                    maxItems = BatchAdmission.MAX_BATCH)
            @Valid
            List<ExecuteRequest> submissions) {}

    @Schema(name = "ExecutionBatchResponse")
    record BatchResponse(
            @Schema(description = "One per submission, in the same order")
            List<ExecutionController.ExecutionResponse> executions) {}

    @Schema(name = "ExecutionResultsResponse")
    record ResultsResponse(
            @Schema(description = "The results, in the order of ids")
            List<ExecutionResultResponse> executions,

            @Schema(description = "Ids that are no execution of the caller's")
            List<String> missing) {}

    @Addition
    @PostMapping("/executions/batch")
    @Operation(
            summary = "Run up to 20 scripts in one call",
            description = "Admitted whole or refused whole. Each submission becomes its own execution (ids in order);"
                    + " the per-minute execute limit counts each one, and at most the per-user cap of them are queued"
                    + " or running at once: the others wait their turn and start as earlier ones finish.")
    @ApiResponse(responseCode = "200", description = "Every submission admitted, with its execution id")
    @ApiResponse(responseCode = "422", description = "A submission is invalid, or the batch is empty or over 20")
    @ApiResponse(responseCode = "429", description = "The batch needs more executions than are left this minute")
    Mono<BatchResponse> batch(@Valid @RequestBody BatchRequest request, Caller caller, ServerHttpRequest http) {
        List<ExecutionAdmission.Request> requests = new ArrayList<>();
        for (ExecuteRequest submission : request.submissions()) {
            requests.add(new ExecutionAdmission.Request(
                    caller.userId(),
                    submission.script(),
                    submission.langOrDefault(),
                    submission.versionOrDefault(),
                    null,
                    submission.inputs()));
        }
        return quota.take(caller, requests.size())
                .then(Mono.fromCallable(() -> batches.admit(requests, Origin.of(caller, http)))
                        .subscribeOn(Schedulers.boundedElastic()))
                .map(ids -> new BatchResponse(ids.stream()
                        .map(id -> new ExecutionController.ExecutionResponse(id, "queued"))
                        .toList()));
    }

    @Addition
    @GetMapping("/executions")
    @Operation(
            summary = "Several executions' results in one call",
            description = "The GET .../result shape for each id, in order; a batch submission still waiting its turn"
                    + " answers status queued. Ids of no execution of the caller's are listed in missing.")
    @ApiResponse(responseCode = "200", description = "The results")
    @ApiResponse(responseCode = "422", description = "No ids, or more than 100")
    Mono<ResultsResponse> results(
            Caller caller,
            @RequestParam(required = false)
                    @Parameter(
                            description = "Execution ids, comma-separated or repeated (at most 100)",
                            required = true)
                    List<String> ids) {
        Set<String> wanted = new LinkedHashSet<>();
        if (ids != null) {
            ids.forEach(part -> {
                for (String id : part.split(",")) {
                    if (!id.isBlank()) {
                        wanted.add(id.strip());
                    }
                }
            });
        }
        if (wanted.isEmpty() || wanted.size() > MAX_IDS) {
            throw RequestValidationException.of("query", "ids", "Give 1 to " + MAX_IDS + " execution ids");
        }
        return Mono.fromCallable(() -> batches.waiting(caller.userId(), wanted))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(waiting -> Flux.fromIterable(wanted)
                        .concatMap(id -> waiting.contains(id)
                                ? Mono.just(Optional.of(ExecutionResultResponse.waiting(id)))
                                : access.load(id, caller)
                                        .map(view -> Optional.of(ExecutionResultResponse.of(view)))
                                        .onErrorResume(SandpodException.class, e -> Mono.just(Optional.empty()))
                                        .defaultIfEmpty(Optional.empty()))
                        .collectList()
                        .map(found -> {
                            List<ExecutionResultResponse> results = new ArrayList<>();
                            List<String> missing = new ArrayList<>();
                            int i = 0;
                            for (String id : wanted) {
                                Optional<ExecutionResultResponse> one = found.get(i++);
                                if (one.isPresent()) {
                                    results.add(one.get());
                                } else {
                                    missing.add(id);
                                }
                            }
                            return new ResultsResponse(results, missing);
                        }));
    }
}
