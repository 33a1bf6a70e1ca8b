package dev.sandpod.web.notification;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.RequestValidationException.Violation;
import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.ChannelSubscriptionView;
import dev.sandpod.api.notification.FindNotificationSubscriptionsQuery;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationIds;
import dev.sandpod.api.notification.NotificationSeverity;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.notification.UpdateNotificationSubscriptionCommand;
import dev.sandpod.api.notification.WebhookUrls;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.support.Origin;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The caller's notification subscriptions, one per channel: {@code GET /notifications/subscriptions} and
 * {@code PUT /notifications/subscriptions/{channel}}. Fields left out of a PUT keep their current value.
 * Targets are checked here: webhooks over https only, Slack only at {@code https://hooks.slack.com/...}
 * (422 otherwise), and a webhook or Slack channel cannot be switched on without its address.
 */
@RestController
@Tag(name = "Notifications")
class SubscriptionController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);
    private static final int CATCH_UP_POLLS = 300;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG_LENGTH = 50;

    private final CommandGateway commands;
    private final QueryGateway queries;
    private final NotificationWebProperties properties;

    SubscriptionController(CommandGateway commands, QueryGateway queries, NotificationWebProperties properties) {
        this.commands = commands;
        this.queries = queries;
        this.properties = properties;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @Schema(name = "SubscriptionUpdate", description = "Fields left out keep their value")
    record SubscriptionUpdate(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            Boolean enabled,

            @ArraySchema(schema = @Schema(implementation = NotificationSeverity.class))
            List<String> severities,

            List<String> includeTags,
            List<String> excludeTags,
            String webhookUrl,
            String slackWebhook,
            Boolean quietHoursEnabled,
            @Schema(description = "HH:MM") String quietHoursStart,
            @Schema(description = "HH:MM") String quietHoursEnd,

            @Schema(description = "An IANA time zone, e.g. Europe/Paris")
            String timezone,

            Integer batchIntervalMinutes) {}

    /** One channel's subscription, as the API answers it. */
    @Schema(name = "NotificationSubscription")
    record SubscriptionResponse(
            String userId,

            @Schema(implementation = NotificationChannel.class)
            String channel,

            @ArraySchema(schema = @Schema(implementation = NotificationSeverity.class))
            List<String> severities,

            List<String> includeTags,
            List<String> excludeTags,
            boolean enabled,
            String webhookUrl,
            String slackWebhook,
            boolean quietHoursEnabled,
            String quietHoursStart,
            String quietHoursEnd,
            String timezone,
            int batchIntervalMinutes,
            Instant createdAt,
            Instant updatedAt) {

        static SubscriptionResponse of(String userId, ChannelSubscriptionView view) {
            ChannelSubscription s = view.subscription();
            Instant now = Instant.now();
            return new SubscriptionResponse(
                    userId,
                    view.channel().wireName(),
                    s.severities().stream().map(NotificationSeverity::wireName).toList(),
                    s.includeTags(),
                    s.excludeTags(),
                    s.enabled(),
                    s.webhookUrl(),
                    s.slackWebhook(),
                    s.quietHoursEnabled(),
                    s.quietHoursStart(),
                    s.quietHoursEnd(),
                    s.timezone(),
                    s.batchIntervalMinutes(),
                    view.createdAt() == null ? now : view.createdAt(),
                    view.updatedAt() == null ? now : view.updatedAt());
        }
    }

    @Schema(name = "SubscriptionsResponse")
    record SubscriptionsResponse(List<SubscriptionResponse> subscriptions) {}

    @GetMapping({"/api/v1/notifications/subscriptions", "/api/v1/notifications/subscriptions/"})
    @Operation(summary = "The caller's subscription of each channel (in_app, webhook, slack)")
    @ApiResponse(responseCode = "200", description = "One per channel")
    Mono<SubscriptionsResponse> subscriptions(Caller caller) {
        return Mono.fromFuture(() -> queries.query(
                        new FindNotificationSubscriptionsQuery(caller.userId()), NotificationSubscriptionsView.class))
                .timeout(TIMEOUT)
                .map(view -> new SubscriptionsResponse(view.subscriptions().stream()
                        .map(s -> SubscriptionResponse.of(caller.userId(), s))
                        .toList()));
    }

    @PutMapping({"/api/v1/notifications/subscriptions/{channel}", "/api/v1/notifications/subscriptions/{channel}/"})
    @Operation(
            summary = "Change one channel's subscription",
            description = "Webhooks must be https; Slack only https://hooks.slack.com/...; a webhook or Slack channel "
                    + "is switched on only with its address.")
    @ApiResponse(responseCode = "200", description = "The subscription as changed")
    @ApiResponse(responseCode = "422", description = "An unknown channel, or a field is invalid")
    Mono<SubscriptionResponse> update(
            @PathVariable @Schema(implementation = NotificationChannel.class) String channel,
            @RequestBody SubscriptionUpdate update,
            Caller caller,
            ServerHttpRequest http) {
        NotificationChannel parsed;
        try {
            parsed = NotificationChannel.fromWire(channel);
        } catch (IllegalArgumentException e) {
            return Mono.error(
                    RequestValidationException.of("path", "channel", "Input should be 'in_app', 'webhook' or 'slack'"));
        }
        return current(caller.userId())
                .map(all -> all.of(parsed).subscription())
                .map(now -> merge(parsed, now, update))
                .flatMap(next -> Mono.fromFuture(() -> commands.<Long>send(Origin.command(
                                new UpdateNotificationSubscriptionCommand(
                                        NotificationIds.subscriptionsOf(caller.userId()),
                                        caller.userId(),
                                        parsed,
                                        next),
                                caller,
                                http)))
                        .timeout(TIMEOUT))
                .flatMap(revision -> current(caller.userId())
                        .repeatWhen(again -> again.delayElements(CATCH_UP_POLL))
                        .take(CATCH_UP_POLLS)
                        .takeUntil(all -> all.subscriptions().stream()
                                        .mapToLong(s -> s.revision())
                                        .max()
                                        .orElse(-1)
                                >= revision)
                        .last())
                .map(all -> SubscriptionResponse.of(caller.userId(), all.of(parsed)));
    }

    private Mono<NotificationSubscriptionsView> current(String userId) {
        return Mono.fromFuture(() -> queries.query(
                        new FindNotificationSubscriptionsQuery(userId), NotificationSubscriptionsView.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(new NotificationSubscriptionsView(userId, List.of()));
    }

    ChannelSubscription merge(NotificationChannel channel, ChannelSubscription now, SubscriptionUpdate u) {
        List<Violation> problems = new ArrayList<>();
        if (u.enabled() == null) {
            problems.add(new Violation(List.of("body", "enabled"), "Field required", "missing"));
        }
        List<NotificationSeverity> severities = now.severities();
        if (u.severities() != null) {
            LinkedHashSet<NotificationSeverity> set = new LinkedHashSet<>();
            for (String severity : u.severities()) {
                try {
                    set.add(NotificationSeverity.fromWire(severity));
                } catch (IllegalArgumentException e) {
                    problems.add(violation("severities", "Input should be 'low', 'medium', 'high' or 'urgent'"));
                }
            }
            severities = List.copyOf(set);
        }
        List<String> include =
                u.includeTags() == null ? now.includeTags() : tags("include_tags", u.includeTags(), problems);
        List<String> exclude =
                u.excludeTags() == null ? now.excludeTags() : tags("exclude_tags", u.excludeTags(), problems);
        String webhookUrl =
                u.webhookUrl() == null ? now.webhookUrl() : u.webhookUrl().trim();
        if (u.webhookUrl() != null) {
            WebhookUrls.problem(NotificationChannel.WEBHOOK, webhookUrl, properties.allowInsecureLocalhost())
                    .ifPresent(problem -> problems.add(violation("webhook_url", problem)));
        }
        String slackWebhook =
                u.slackWebhook() == null ? now.slackWebhook() : u.slackWebhook().trim();
        if (u.slackWebhook() != null) {
            WebhookUrls.problem(NotificationChannel.SLACK, slackWebhook, properties.allowInsecureLocalhost())
                    .ifPresent(problem -> problems.add(violation("slack_webhook", problem)));
        }
        boolean enabled = Boolean.TRUE.equals(u.enabled());
        if (enabled && channel == NotificationChannel.WEBHOOK && webhookUrl == null) {
            problems.add(violation("webhook_url", "webhook_url is required to enable the webhook channel"));
        }
        if (enabled && channel == NotificationChannel.SLACK && slackWebhook == null) {
            problems.add(violation("slack_webhook", "slack_webhook is required to enable the slack channel"));
        }
        boolean quiet = u.quietHoursEnabled() == null ? now.quietHoursEnabled() : u.quietHoursEnabled();
        String quietStart = u.quietHoursStart() == null
                ? now.quietHoursStart()
                : time("quiet_hours_start", u.quietHoursStart(), problems);
        String quietEnd =
                u.quietHoursEnd() == null ? now.quietHoursEnd() : time("quiet_hours_end", u.quietHoursEnd(), problems);
        if (quiet && (quietStart == null || quietEnd == null)) {
            problems.add(violation("quiet_hours_start", "quiet hours need a start and an end (HH:MM)"));
        }
        String timezone = now.timezone();
        if (u.timezone() != null) {
            try {
                timezone = ZoneId.of(u.timezone().trim()).getId();
            } catch (DateTimeException e) {
                problems.add(violation("timezone", "Unknown timezone: " + u.timezone()));
            }
        }
        int batch = u.batchIntervalMinutes() == null ? now.batchIntervalMinutes() : u.batchIntervalMinutes();
        if (batch < 1 || batch > 1440) {
            problems.add(violation("batch_interval_minutes", "batch_interval_minutes must be between 1 and 1440"));
        }
        if (!problems.isEmpty()) {
            throw new RequestValidationException(problems);
        }
        return new ChannelSubscription(
                enabled,
                severities,
                include,
                exclude,
                webhookUrl,
                slackWebhook,
                quiet,
                quietStart,
                quietEnd,
                timezone,
                batch);
    }

    private static List<String> tags(String field, List<String> tags, List<Violation> problems) {
        if (tags.size() > MAX_TAGS) {
            problems.add(violation(field, "At most " + MAX_TAGS + " tags"));
        }
        LinkedHashSet<String> set = new LinkedHashSet<>();
        for (String tag : tags) {
            if (tag == null || tag.isBlank() || tag.length() > MAX_TAG_LENGTH) {
                problems.add(violation(field, "Tags must be 1 to " + MAX_TAG_LENGTH + " characters"));
            } else {
                set.add(tag.trim());
            }
        }
        return List.copyOf(set);
    }

    private static String time(String field, String value, List<Violation> problems) {
        try {
            return LocalTime.parse(value.trim()).toString();
        } catch (DateTimeParseException e) {
            problems.add(violation(field, field + " must be a time of day as HH:MM"));
            return null;
        }
    }

    private static Violation violation(String field, String msg) {
        return new Violation(List.of("body", field), msg, "value_error");
    }
}
