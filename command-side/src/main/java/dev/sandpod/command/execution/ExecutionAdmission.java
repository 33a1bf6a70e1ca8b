package dev.sandpod.command.execution;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.execution.ExecutionDeletedEvent;
import dev.sandpod.api.execution.ExecutionInputs;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.InputLimits;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.RequestExecutionCommand;
import dev.sandpod.api.execution.ResultStoredEvent;
import dev.sandpod.api.runtime.RuntimeCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Admits an execution request: checks the runtime, honours the caller's idempotency key, holds one of the
 * caller's active places, sends the command and records the key as accepted. The web edge calls
 * {@link #admit} once per request and maps the outcome to HTTP.
 *
 * <p>Its tables, idempotency keys and each user's active executions, rely on single-document atomic
 * writes, so concurrent duplicates cannot both get through — which a query on a projection could not
 * promise. Blocking (Mongo, the event store and the command bus): call it off the event loop.
 */
@Component
public class ExecutionAdmission {

    static final String IDEMPOTENCY = "execution_idempotency";
    static final String ACTIVE = "user_active_executions";
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    static final int MAX_KEY_LENGTH = 255;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** How long a duplicate waits for the first request with its key to be accepted: 60 polls of 50 ms. */
    private static final int ACCEPT_WAIT_POLLS = 60;

    private static final Duration ACCEPT_WAIT_POLL = Duration.ofMillis(50);

    private final MongoTemplate mongo;
    private final EventStore events;
    private final CommandGateway commands;
    private final RuntimeCatalog runtimes;
    private final int maxActivePerUser;

    ExecutionAdmission(
            MongoTemplate mongo,
            EventStore events,
            CommandGateway commands,
            RuntimeCatalog runtimes,
            @Value("${sandpod.execution.max-active-per-user:5}") int maxActivePerUser) {
        this.mongo = mongo;
        this.events = events;
        this.commands = commands;
        this.runtimes = runtimes;
        this.maxActivePerUser = maxActivePerUser;
    }

    /** What to run and for whom; {@code idempotencyKey} may be {@code null}. */
    public record Request(
            String userId,
            String script,
            String lang,
            String langVersion,
            String idempotencyKey,
            ExecutionInputs inputs) {

        public Request {
            inputs = ExecutionInputs.orNone(inputs);
        }

        public Request(String userId, String script, String lang, String langVersion, String idempotencyKey) {
            this(userId, script, lang, langVersion, idempotencyKey, ExecutionInputs.NONE);
        }
    }

    /**
     * The execution the request stands for. {@code replayed}: the key was seen before, and this is the
     * execution the first request with it created (its status is for the read model to tell).
     */
    public record Admitted(String executionId, boolean replayed) {}

    /**
     * @throws SandpodException {@code UNSUPPORTED_RUNTIME}, {@code TOO_MANY_REQUESTS} (the caller's active
     *         places are full), {@code CONFLICT} (the first request with this key is still being accepted)
     * @throws RequestValidationException for a blank or over-long key
     */
    public Admitted admit(Request request, MetaData origin) {
        runtimes.rejection(request.lang(), request.langVersion()).ifPresent(rejection -> {
            throw new SandpodException(ErrorCode.UNSUPPORTED_RUNTIME, rejection);
        });
        InputLimits.check(request.inputs(), mainFileOf(request.lang()));
        String key = request.idempotencyKey();
        if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
            throw RequestValidationException.of(
                    "header", "Idempotency-Key", "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        String executionId = UUID.randomUUID().toString();
        if (key == null) {
            submit(executionId, request, origin);
            return new Admitted(executionId, false);
        }
        Optional<Claim> existing = claimKey(request.userId(), key, executionId);
        if (existing.isPresent()) {
            return new Admitted(awaitAccepted(request.userId(), key, existing.get()), true);
        }
        try {
            submit(executionId, request, origin);
        } catch (RuntimeException e) {
            releaseKey(request.userId(), key);
            throw e;
        }
        markAccepted(request.userId(), key);
        return new Admitted(executionId, false);
    }

    /** Holds one of the user's active places, then sends the request; the place is freed if that fails. */
    private void submit(String executionId, Request request, MetaData origin) {
        String userId = request.userId();
        if (!reserveActive(userId, executionId, maxActivePerUser)
                && !(releaseFinished(userId) > 0 && reserveActive(userId, executionId, maxActivePerUser))) {
            throw new SandpodException(
                    ErrorCode.TOO_MANY_REQUESTS,
                    "Too many active executions: at most " + maxActivePerUser
                            + " may be queued or running at once; wait for one to finish");
        }
        sendReserved(executionId, request, origin);
    }

    /** Sends the request of an execution that holds an active place already; frees the place if that fails. */
    void sendReserved(String executionId, Request request, MetaData origin) {
        var command = new RequestExecutionCommand(
                executionId,
                request.userId(),
                request.script(),
                request.lang(),
                request.langVersion(),
                Priority.NORMAL,
                request.inputs());
        try {
            commands.sendAndWait(
                    GenericCommandMessage.asCommandMessage(command).andMetaData(origin),
                    COMMAND_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            releaseActive(request.userId(), executionId);
            throw e;
        }
    }

    int maxActivePerUser() {
        return maxActivePerUser;
    }

    /** Checks a request as {@link #admit} would, without admitting it. */
    void check(Request request) {
        runtimes.rejection(request.lang(), request.langVersion()).ifPresent(rejection -> {
            throw new SandpodException(ErrorCode.UNSUPPORTED_RUNTIME, rejection);
        });
        InputLimits.check(request.inputs(), mainFileOf(request.lang()));
    }

    /** The runtime's main file name (the catalog gives its extension): no extra file may take it. */
    private String mainFileOf(String lang) {
        var info = runtimes.supportedRuntimes().get(lang);
        String ext = info == null || info.fileExt() == null ? "" : info.fileExt();
        return ext.isEmpty() ? "main" : "main." + ext;
    }

    /**
     * The inputs an execution was requested with, from its first event in the store (not a read model): what
     * a retry replays. Empty when the store has no such execution.
     */
    public Optional<ExecutionInputs> inputsOf(String executionId) {
        return events.readEvents(executionId, 0)
                .asStream()
                .findFirst()
                .map(message -> message.getPayload() instanceof ExecutionRequestedEvent requested
                        ? requested.inputs()
                        : ExecutionInputs.NONE);
    }

    /**
     * A key seen before: its execution once the first request is through. While that one is still being
     * accepted the duplicate waits a moment, and is refused if it is still not through.
     */
    private String awaitAccepted(String userId, String key, Claim claim) {
        Claim current = claim;
        for (int poll = 0; !current.accepted(); poll++) {
            if (poll >= ACCEPT_WAIT_POLLS) {
                throw new SandpodException(
                        ErrorCode.CONFLICT, "A request with this Idempotency-Key is still being processed");
            }
            sleep(ACCEPT_WAIT_POLL);
            current = claimOf(userId, key).orElse(current);
        }
        return current.executionId();
    }

    /**
     * Should a release ever be missed (a crash between storing the result and {@link ActiveExecutionTracker}),
     * the user's set is re-checked against the event store when it is found full.
     *
     * @return how many of the user's active entries turned out to be finished and were released
     */
    int releaseFinished(String userId) {
        int released = 0;
        for (String executionId : activeOf(userId)) {
            boolean finished = events.lastSequenceNumberFor(executionId)
                    .map(last -> events.readEvents(executionId, Math.max(0, last - 2))
                            .asStream()
                            .anyMatch(e -> e.getPayload() instanceof ResultStoredEvent
                                    || e.getPayload() instanceof ExecutionDeletedEvent))
                    .orElse(true);
            if (finished) {
                releaseActive(userId, executionId);
                released++;
            }
        }
        return released;
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for an idempotent request", e);
        }
    }

    /** What an idempotency key is already bound to. */
    record Claim(String executionId, boolean accepted) {}

    /** Binds the key to {@code executionId}; empty when this call won, otherwise the existing claim. */
    Optional<Claim> claimKey(String userId, String key, String executionId) {
        String id = keyId(userId, key);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                mongo.getCollection(IDEMPOTENCY)
                        .insertOne(new Document("_id", id)
                                .append("executionId", executionId)
                                .append("createdAt", new Date())
                                .append("accepted", false));
                return Optional.empty();
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Document existing =
                    mongo.getCollection(IDEMPOTENCY).find(Filters.eq("_id", id)).first();
            if (existing == null) {
                continue;
            }
            Date created = existing.getDate("createdAt");
            if (created != null && created.toInstant().plus(KEY_LIFETIME).isBefore(Instant.now())) {
                mongo.getCollection(IDEMPOTENCY)
                        .deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("createdAt", created)));
                continue;
            }
            return Optional.of(new Claim(existing.getString("executionId"), existing.getBoolean("accepted", false)));
        }
        throw new IllegalStateException("Idempotency key could not be claimed");
    }

    Optional<Claim> claimOf(String userId, String key) {
        Document existing = mongo.getCollection(IDEMPOTENCY)
                .find(Filters.eq("_id", keyId(userId, key)))
                .first();
        return Optional.ofNullable(existing)
                .map(d -> new Claim(d.getString("executionId"), d.getBoolean("accepted", false)));
    }

    void markAccepted(String userId, String key) {
        mongo.getCollection(IDEMPOTENCY)
                .updateOne(Filters.eq("_id", keyId(userId, key)), Updates.set("accepted", true));
    }

    void releaseKey(String userId, String key) {
        mongo.getCollection(IDEMPOTENCY).deleteOne(Filters.eq("_id", keyId(userId, key)));
    }

    /**
     * Adds the execution to the user's active set unless it already holds {@code max}. The condition and
     * the add are one atomic update; a full set makes the upsert collide with the existing document.
     */
    boolean reserveActive(String userId, String executionId, int max) {
        try {
            var result = mongo.getCollection(ACTIVE)
                    .updateOne(
                            Filters.and(Filters.eq("_id", userId), Filters.exists("active." + (max - 1), false)),
                            Updates.addToSet("active", executionId),
                            new UpdateOptions().upsert(true));
            return result.getMatchedCount() > 0 || result.getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    java.util.List<String> activeOf(String userId) {
        Document doc =
                mongo.getCollection(ACTIVE).find(Filters.eq("_id", userId)).first();
        return doc == null ? java.util.List.of() : doc.getList("active", String.class, java.util.List.of());
    }

    void releaseActive(String userId, String executionId) {
        mongo.getCollection(ACTIVE).updateOne(Filters.eq("_id", userId), Updates.pull("active", executionId));
    }

    /** Ends an execution's hold on whichever user's set contains it; that user's id, or null. */
    String releaseActive(String executionId) {
        Document before = mongo.getCollection(ACTIVE)
                .findOneAndUpdate(Filters.eq("active", executionId), Updates.pull("active", executionId));
        return before == null ? null : before.getString("_id");
    }

    private static String keyId(String userId, String key) {
        return userId + "\u0000" + key;
    }
}
