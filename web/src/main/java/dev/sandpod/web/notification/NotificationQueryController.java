package dev.sandpod.web.notification;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.RequestValidationException;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.notification.CountUnreadNotificationsQuery;
import dev.sandpod.api.notification.FindNotificationQuery;
import dev.sandpod.api.notification.FindNotificationSubscriptionsQuery;
import dev.sandpod.api.notification.FindNotificationsQuery;
import dev.sandpod.api.notification.NotificationPageView;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationSubscriptionsView;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.notification.NotificationResponses.DeliveriesResponse;
import dev.sandpod.web.notification.NotificationResponses.DeliveryResponse;
import dev.sandpod.web.notification.NotificationResponses.NotificationResponse;
import dev.sandpod.web.notification.NotificationResponses.SubscriptionResponse;
import dev.sandpod.web.notification.NotificationResponses.SubscriptionsResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The caller's inbox, unread count, subscriptions and delivery records (SPEC §6). */
@RestController
@RequestMapping("/api/v1/notifications")
class NotificationQueryController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final QueryGateway queries;

    NotificationQueryController(QueryGateway queries) {
        this.queries = queries;
    }

    record NotificationListResponse(List<NotificationResponse> notifications, long total, long unreadCount) {
    }

    record UnreadCountResponse(long unreadCount) {
    }

    @GetMapping({"", "/"})
    Mono<NotificationListResponse> list(Caller caller,
            @RequestParam(required = false) String status,
            @RequestParam(name = "include_tags", required = false) List<String> includeTags,
            @RequestParam(name = "exclude_tags", required = false) List<String> excludeTags,
            @RequestParam(name = "tag_prefix", required = false) String tagPrefix,
            @RequestParam(required = false, defaultValue = "50") String limit,
            @RequestParam(required = false, defaultValue = "0") String offset) {
        var query = new FindNotificationsQuery(caller.userId(), status(status), tags(includeTags), tags(excludeTags),
                tagPrefix == null || tagPrefix.isBlank() ? null : tagPrefix,
                number("limit", limit, 1, 100), number("offset", offset, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, NotificationPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new NotificationListResponse(
                        page.notifications().stream().map(NotificationResponse::of).toList(), page.total(),
                        page.unreadCount()));
    }

    @GetMapping("/unread-count")
    Mono<UnreadCountResponse> unreadCount(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new CountUnreadNotificationsQuery(caller.userId()), Long.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(0L)
                .map(UnreadCountResponse::new);
    }

    @GetMapping({"/subscriptions", "/subscriptions/"})
    Mono<SubscriptionsResponse> subscriptions(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindNotificationSubscriptionsQuery(caller.userId()),
                        NotificationSubscriptionsView.class))
                .timeout(TIMEOUT)
                .map(view -> new SubscriptionsResponse(view.subscriptions().stream()
                        .map(s -> SubscriptionResponse.of(caller.userId(), s)).toList()));
    }

    /** Beyond the contract: the delivery record (every attempt) of a notification's webhook/Slack deliveries. */
    @GetMapping("/{notificationId}/deliveries")
    Mono<DeliveriesResponse> deliveries(@PathVariable String notificationId, Caller caller) {
        return Mono.fromFuture(() -> queries.query(new FindNotificationQuery(notificationId), NotificationView.class))
                .timeout(TIMEOUT)
                .filter(view -> view.userId().equals(caller.userId()))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Notification not found")))
                .map(view -> new DeliveriesResponse(view.notificationId(),
                        view.deliveries().stream().map(DeliveryResponse::of).toList()));
    }

    private static NotificationStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return NotificationStatus.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw RequestValidationException.of("query", "status", "Input should be one of "
                    + Arrays.stream(NotificationStatus.values()).map(NotificationStatus::wireName).toList());
        }
    }

    /** Repeated parameters, or one comma-separated value; a parameter without a value ({@code ?include_tags}) is none. */
    private static List<String> tags(List<String> values) {
        if (values == null) {
            return null;
        }
        List<String> tags = values.stream().filter(Objects::nonNull).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(t -> !t.isEmpty()).toList();
        return tags.isEmpty() ? null : tags;
    }

    private static int number(String field, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw RequestValidationException.of("query", field, "Input should be a valid integer");
        }
        if (parsed < min || parsed > max) {
            throw RequestValidationException.of("query", field, "Input should be between " + min + " and " + max);
        }
        return parsed;
    }
}
