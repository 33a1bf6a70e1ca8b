package dev.sandpod.web.usersettings;

import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.usersettings.EditorPreferences;
import dev.sandpod.api.usersettings.FindUserSettingsHistoryQuery;
import dev.sandpod.api.usersettings.FindUserSettingsQuery;
import dev.sandpod.api.usersettings.NotificationPreferences;
import dev.sandpod.api.usersettings.SettingsHistoryEntryView;
import dev.sandpod.api.usersettings.SettingsHistoryView;
import dev.sandpod.api.usersettings.UserPreferences;
import dev.sandpod.api.usersettings.UserSettingsView;
import dev.sandpod.api.web.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The caller's settings and their history, newest first with old and new values (SPEC §8). */
@RestController
@RequestMapping("/api/v1/user/settings")
class UserSettingsQueryController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;

    UserSettingsQueryController(QueryGateway queries) {
        this.queries = queries;
    }

    record NotificationsResponse(boolean executionCompleted, boolean executionFailed, boolean systemUpdates,
            boolean securityAlerts, List<String> channels) {
    }

    record EditorResponse(int fontSize, int tabSize, boolean useTabs, boolean wordWrap, boolean showLineNumbers) {
    }

    /** The contract's {@code UserSettings}. */
    record SettingsResponse(String userId, String theme, String timezone, String dateFormat, String timeFormat,
            NotificationsResponse notifications, EditorResponse editor, Map<String, Object> customSettings,
            long version, Instant createdAt, Instant updatedAt) {

        static SettingsResponse of(UserSettingsView view) {
            UserPreferences s = view.settings();
            NotificationPreferences n = s.notifications();
            EditorPreferences e = s.editor();
            return new SettingsResponse(view.userId(), s.theme().wireName(), s.timezone(), s.dateFormat(),
                    s.timeFormat(),
                    new NotificationsResponse(n.executionCompleted(), n.executionFailed(), n.systemUpdates(),
                            n.securityAlerts(), n.channels().stream().map(c -> c.wireName()).toList()),
                    new EditorResponse(e.fontSize(), e.tabSize(), e.useTabs(), e.wordWrap(), e.showLineNumbers()),
                    s.customSettings(), view.version(), view.createdAt(), view.updatedAt());
        }
    }

    record HistoryEntryResponse(Instant timestamp, String eventType, String field, Object oldValue, Object newValue,
            String reason) {

        static HistoryEntryResponse of(SettingsHistoryEntryView e) {
            return new HistoryEntryResponse(e.timestamp(), e.eventType(), e.field(), e.oldValue(), e.newValue(),
                    e.reason());
        }
    }

    record HistoryResponse(List<HistoryEntryResponse> history, int limit) {
    }

    @GetMapping({"", "/"})
    Mono<ResponseEntity<SettingsResponse>> get(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindUserSettingsQuery(caller.userId()), UserSettingsView.class))
                .timeout(TIMEOUT)
                .map(view -> ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(SettingsResponse.of(view)));
    }

    @GetMapping({"/history", "/history/"})
    Mono<HistoryResponse> history(Caller caller, @RequestParam(required = false, defaultValue = "50") String limit) {
        int parsed;
        try {
            parsed = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            return Mono.error(RequestValidationException.of("query", "limit", "Input should be a valid integer"));
        }
        if (parsed < 1 || parsed > 200) {
            return Mono.error(RequestValidationException.of("query", "limit", "Input should be between 1 and 200"));
        }
        return Mono.fromFuture(() -> queries.query(new FindUserSettingsHistoryQuery(caller.userId(), parsed),
                        SettingsHistoryView.class))
                .timeout(TIMEOUT)
                .map(view -> new HistoryResponse(view.history().stream().map(HistoryEntryResponse::of).toList(),
                        parsed));
    }
}
