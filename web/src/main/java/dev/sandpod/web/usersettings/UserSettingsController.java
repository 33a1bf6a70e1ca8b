package dev.sandpod.web.usersettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.usersettings.ChangeUserSettingsCommand;
import dev.sandpod.api.usersettings.EditorPreferences;
import dev.sandpod.api.usersettings.FindUserSettingsHistoryQuery;
import dev.sandpod.api.usersettings.FindUserSettingsQuery;
import dev.sandpod.api.usersettings.NotificationPreferences;
import dev.sandpod.api.usersettings.RestoreUserSettingsCommand;
import dev.sandpod.api.usersettings.SettingsHistoryEntryView;
import dev.sandpod.api.usersettings.SettingsHistoryView;
import dev.sandpod.api.usersettings.Theme;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsIds;
import dev.sandpod.api.usersettings.UserSettingsPatch;
import dev.sandpod.api.usersettings.UserSettingsView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import dev.sandpod.web.usersettings.SettingsRequests.EditorBody;
import dev.sandpod.web.usersettings.SettingsRequests.NotificationsBody;
import dev.sandpod.web.usersettings.SettingsRequests.RestoreBody;
import dev.sandpod.web.usersettings.SettingsRequests.SettingsBody;
import dev.sandpod.web.usersettings.SettingsRequests.ThemeBody;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The caller's own settings: read them and their history (newest first, with old and new values), and
 * change them. Every write is a command on the user's settings aggregate, and answers the full settings
 * once the read model shows the change.
 */
@RestController
@RequestMapping("/api/v1/user/settings")
@Tag(name = "User settings", description = "The caller's own settings and their history")
class UserSettingsController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);
    private static final int CATCH_UP_POLLS = 300;

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final ObjectMapper json;

    UserSettingsController(CommandGateway commands, QueryGateway queries, ObjectMapper json) {
        this.commands = commands;
        this.queries = queries;
        this.json = json;
    }

    @Schema(name = "NotificationSettings")
    record NotificationsResponse(
            boolean executionCompleted,
            boolean executionFailed,
            boolean systemUpdates,
            boolean securityAlerts,

            @ArraySchema(schema = @Schema(implementation = NotificationChannel.class))
            List<String> channels) {}

    @Schema(name = "EditorSettings")
    record EditorResponse(int fontSize, int tabSize, boolean useTabs, boolean wordWrap, boolean showLineNumbers) {}

    /** The user's settings, as every read and change answers them. */
    @Schema(name = "UserSettings")
    record SettingsResponse(
            String userId,
            @Schema(implementation = Theme.class) String theme,
            String timezone,
            String dateFormat,
            String timeFormat,
            NotificationsResponse notifications,
            EditorResponse editor,
            Map<String, Object> customSettings,
            long version,
            Instant createdAt,
            Instant updatedAt) {

        static SettingsResponse of(UserSettingsView view) {
            UserPreferences s = view.settings();
            NotificationPreferences n = s.notifications();
            EditorPreferences e = s.editor();
            return new SettingsResponse(
                    view.userId(),
                    s.theme().wireName(),
                    s.timezone(),
                    s.dateFormat(),
                    s.timeFormat(),
                    new NotificationsResponse(
                            n.executionCompleted(),
                            n.executionFailed(),
                            n.systemUpdates(),
                            n.securityAlerts(),
                            n.channels().stream().map(c -> c.wireName()).toList()),
                    new EditorResponse(e.fontSize(), e.tabSize(), e.useTabs(), e.wordWrap(), e.showLineNumbers()),
                    s.customSettings(),
                    view.version(),
                    view.createdAt(),
                    view.updatedAt());
        }
    }

    @Schema(name = "SettingsHistoryEntry")
    record HistoryEntryResponse(
            Instant timestamp,

            @Schema(allowableValues = {"user_settings_updated", "notification_preferences_updated"})
            String eventType,

            @Schema(description = "The setting that changed, e.g. theme or editor.font_size")
            String field,

            @Schema(description = "Any JSON value") Object oldValue,
            @Schema(description = "Any JSON value") Object newValue,
            String reason) {

        static HistoryEntryResponse of(SettingsHistoryEntryView e) {
            return new HistoryEntryResponse(
                    e.timestamp(), e.eventType(), e.field(), e.oldValue(), e.newValue(), e.reason());
        }
    }

    @Schema(name = "SettingsHistoryResponse")
    record HistoryResponse(List<HistoryEntryResponse> history, int limit) {}

    @GetMapping({"", "/"})
    @Operation(summary = "The caller's settings")
    @ApiResponse(responseCode = "200", description = "The settings")
    Mono<ResponseEntity<SettingsResponse>> get(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindUserSettingsQuery(caller.userId()), UserSettingsView.class))
                .timeout(TIMEOUT)
                .map(view ->
                        ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(SettingsResponse.of(view)));
    }

    @GetMapping({"/history", "/history/"})
    @Operation(summary = "The changes to the caller's settings, newest first, with old and new values")
    @ApiResponse(responseCode = "200", description = "The history")
    Mono<HistoryResponse> history(
            Caller caller,
            @RequestParam(required = false, defaultValue = "50")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "200"))
                    String limit) {
        return Mono.fromCallable(() -> QueryParameters.integer("limit", limit, 1, 200))
                .flatMap(parsed -> Mono.fromFuture(() -> queries.query(
                                new FindUserSettingsHistoryQuery(caller.userId(), parsed), SettingsHistoryView.class))
                        .timeout(TIMEOUT)
                        .map(view -> new HistoryResponse(
                                view.history().stream()
                                        .map(HistoryEntryResponse::of)
                                        .toList(),
                                parsed)));
    }

    @PutMapping({"", "/"})
    @Operation(summary = "Change any of the caller's settings")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SettingsResponse> update(@RequestBody SettingsBody body, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    List<Violation> problems = SettingsRequests.problems();
                    Theme theme = SettingsRequests.theme(body.theme(), problems);
                    String timezone = SettingsRequests.timezone(body.timezone(), problems);
                    String dateFormat = SettingsRequests.dateFormat(body.dateFormat(), problems);
                    String timeFormat = SettingsRequests.timeFormat(body.timeFormat(), problems);
                    NotificationPreferences notifications = body.notifications() == null
                            ? null
                            : body.notifications().toPreferences("notifications.", problems);
                    EditorPreferences editor =
                            body.editor() == null ? null : body.editor().toPreferences("editor.", problems);
                    Map<String, Object> custom =
                            body.customSettings() == null ? null : checkCustom(body.customSettings(), problems);
                    SettingsRequests.throwIfAny(problems);
                    return new UserSettingsPatch(
                            theme, timezone, dateFormat, timeFormat, notifications, editor, custom, null);
                })
                .flatMap(patch -> change(patch, null, caller, http));
    }

    @PutMapping({"/theme", "/theme/"})
    @Operation(summary = "Change the caller's theme")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SettingsResponse> theme(@RequestBody ThemeBody body, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    List<Violation> problems = SettingsRequests.problems();
                    if (body.theme() == null) {
                        problems.add(new Violation(List.of("body", "theme"), "Field required", "missing"));
                    }
                    Theme theme = SettingsRequests.theme(body.theme(), problems);
                    SettingsRequests.throwIfAny(problems);
                    return UserSettingsPatch.theme(theme);
                })
                .flatMap(patch -> change(patch, null, caller, http));
    }

    @PutMapping({"/notifications", "/notifications/"})
    @Operation(summary = "Change which notifications the caller gets, and on which channels")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SettingsResponse> notifications(@RequestBody NotificationsBody body, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    List<Violation> problems = SettingsRequests.problems();
                    NotificationPreferences notifications = body.toPreferences("", problems);
                    SettingsRequests.throwIfAny(problems);
                    return UserSettingsPatch.notifications(notifications);
                })
                .flatMap(patch -> change(patch, null, caller, http));
    }

    @PutMapping({"/editor", "/editor/"})
    @Operation(summary = "Change the caller's editor settings")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SettingsResponse> editor(@RequestBody EditorBody body, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    List<Violation> problems = SettingsRequests.problems();
                    EditorPreferences editor = body.toPreferences("", problems);
                    SettingsRequests.throwIfAny(problems);
                    return UserSettingsPatch.editor(editor);
                })
                .flatMap(patch -> change(patch, null, caller, http));
    }

    /** The body, a JSON object, becomes the value of that one custom setting; the others stay. */
    @PutMapping("/custom/{key}")
    @Operation(summary = "Set one custom setting: the body (a JSON object) becomes its value")
    @ApiResponse(responseCode = "200", description = "The settings as changed")
    Mono<SettingsResponse> custom(
            @PathVariable String key, @RequestBody Map<String, Object> value, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    if (!SettingsRequests.CUSTOM_KEY.matcher(key).matches()) {
                        throw RequestValidationException.of(
                                "path", "key", "key must be 1 to 100 characters of letters, digits, '_', '.', '-'");
                    }
                    List<Violation> problems = SettingsRequests.problems();
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put(key, value);
                    checkCustom(one, problems);
                    SettingsRequests.throwIfAny(problems);
                    return UserSettingsPatch.custom(key, value);
                })
                .flatMap(patch -> change(patch, null, caller, http));
    }

    @PostMapping({"/restore", "/restore/"})
    @Operation(summary = "Put the caller's settings back as they were at a given time")
    @ApiResponse(responseCode = "200", description = "The settings as restored")
    Mono<SettingsResponse> restore(@RequestBody RestoreBody body, Caller caller, ServerHttpRequest http) {
        return Mono.fromCallable(() -> {
                    if (body.timestamp() == null) {
                        throw new RequestValidationException(
                                List.of(new Violation(List.of("body", "timestamp"), "Field required", "missing")));
                    }
                    if (body.reason() != null && body.reason().length() > SettingsRequests.MAX_REASON) {
                        throw RequestValidationException.of("body", "reason", "reason must be at most 500 characters");
                    }
                    return new RestoreUserSettingsCommand(
                            UserSettingsIds.of(caller.userId()),
                            caller.userId(),
                            instant(body.timestamp()),
                            body.reason());
                })
                .flatMap(command -> send(command, caller, http));
    }

    private Mono<SettingsResponse> change(
            UserSettingsPatch patch, String reason, Caller caller, ServerHttpRequest http) {
        return send(
                new ChangeUserSettingsCommand(UserSettingsIds.of(caller.userId()), caller.userId(), patch, reason),
                caller,
                http);
    }

    private Mono<SettingsResponse> send(Object command, Caller caller, ServerHttpRequest http) {
        return Mono.fromFuture(() -> commands.<Long>send(Origin.command(command, caller, http)))
                .timeout(TIMEOUT)
                .flatMap(revision -> awaitRevision(caller.userId(), revision))
                .map(SettingsResponse::of);
    }

    /** Polls the read model until it shows {@code revision}; answers what it has if that takes too long. */
    private Mono<UserSettingsView> awaitRevision(String userId, long revision) {
        return Mono.defer(() -> Mono.fromFuture(
                                () -> queries.query(new FindUserSettingsQuery(userId), UserSettingsView.class))
                        .timeout(TIMEOUT))
                .repeatWhen(again -> again.delayElements(CATCH_UP_POLL))
                .take(CATCH_UP_POLLS)
                .takeUntil(view -> view.revision() >= revision)
                .last();
    }

    private Map<String, Object> checkCustom(Map<String, Object> custom, List<Violation> problems) {
        if (custom.size() > SettingsRequests.MAX_CUSTOM_KEYS) {
            problems.add(SettingsRequests.violation(
                    "custom_settings", "At most " + SettingsRequests.MAX_CUSTOM_KEYS + " custom settings"));
        }
        custom.forEach((key, value) -> {
            if (!SettingsRequests.CUSTOM_KEY.matcher(key).matches()) {
                problems.add(SettingsRequests.violation(
                        "custom_settings",
                        "custom setting keys must be 1 to 100 characters of letters, digits, '_', '.', '-'"));
            }
            try {
                if (json.writeValueAsString(value).length() > SettingsRequests.MAX_CUSTOM_VALUE_CHARS) {
                    problems.add(SettingsRequests.violation(
                            "custom_settings",
                            "custom setting '" + key + "' must be at most 10000 characters of JSON"));
                }
            } catch (JsonProcessingException e) {
                problems.add(SettingsRequests.violation("custom_settings", "custom setting '" + key + "' is not JSON"));
            }
        });
        return custom;
    }

    /** An ISO-8601 instant; one without an offset is read as UTC. */
    static Instant instant(String value) {
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException again) {
                throw RequestValidationException.of("body", "timestamp", "Input should be a valid datetime");
            }
        }
    }
}
