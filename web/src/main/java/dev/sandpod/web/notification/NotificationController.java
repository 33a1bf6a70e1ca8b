package dev.sandpod.web.notification;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.notification.CountUnreadNotificationsQuery;
import dev.sandpod.api.notification.DeleteNotificationCommand;
import dev.sandpod.api.notification.FindNotificationQuery;
import dev.sandpod.api.notification.FindNotificationsQuery;
import dev.sandpod.api.notification.FindUnreadNotificationIdsQuery;
import dev.sandpod.api.notification.MarkNotificationReadCommand;
import dev.sandpod.api.notification.NotificationIdsView;
import dev.sandpod.api.notification.NotificationPageView;
import dev.sandpod.api.notification.NotificationStatus;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.apidocs.Addition;
import dev.sandpod.web.notification.NotificationResponses.DeliveriesResponse;
import dev.sandpod.web.notification.NotificationResponses.DeliveryResponse;
import dev.sandpod.web.notification.NotificationResponses.NotificationResponse;
import dev.sandpod.web.support.Origin;
import dev.sandpod.web.support.QueryParameters;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The caller's inbox: list (filtered by status and tags), unread count, delivery records, and the changes
 * read one, read all, delete one. Another user's notification answers 404. Each change answers once the
 * read model shows it.
 */
@RestController
@RequestMapping("/api/v1/notifications")
@Tag(name = "Notifications", description = "The caller's inbox, its live stream and its delivery subscriptions")
class NotificationController {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);
    private static final int CATCH_UP_POLLS = 300;
    private static final int MARK_ALL_CONCURRENCY = 4;

    private final CommandGateway commands;
    private final QueryGateway queries;

    NotificationController(CommandGateway commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    @Schema(name = "DeleteNotificationResponse")
    record DeleteResponse(String message) {}

    @Schema(name = "NotificationListResponse")
    record NotificationListResponse(List<NotificationResponse> notifications, long total, long unreadCount) {}

    @Schema(name = "UnreadCountResponse")
    record UnreadCountResponse(long unreadCount) {}

    @GetMapping({"", "/"})
    @Operation(summary = "The caller's notifications, newest first, filtered by status and tags")
    @ApiResponse(responseCode = "200", description = "One page of them, with the unread count")
    Mono<NotificationListResponse> list(
            Caller caller,
            @RequestParam(required = false) @Schema(implementation = NotificationStatus.class) String status,
            @RequestParam(name = "include_tags", required = false)
                    @Parameter(description = "Only notifications with any of these tags")
                    List<String> includeTags,
            @RequestParam(name = "exclude_tags", required = false)
                    @Parameter(description = "None with any of these tags")
                    List<String> excludeTags,
            @RequestParam(name = "tag_prefix", required = false)
                    @Parameter(description = "Only notifications with a tag starting so")
                    String tagPrefix,
            @RequestParam(required = false, defaultValue = "50")
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
                    String limit,
            @RequestParam(required = false, defaultValue = "0")
                    @Parameter(schema = @Schema(type = "integer", minimum = "0"))
                    String offset) {
        var query = new FindNotificationsQuery(
                caller.userId(),
                QueryParameters.oneOf(
                        "status",
                        status,
                        NotificationStatus::fromWire,
                        NotificationStatus.values(),
                        NotificationStatus::wireName),
                tags(includeTags),
                tags(excludeTags),
                QueryParameters.optional(tagPrefix),
                QueryParameters.integer("limit", limit, 1, 100),
                QueryParameters.integer("offset", offset, 0, Integer.MAX_VALUE));
        return Mono.fromFuture(() -> queries.query(query, NotificationPageView.class))
                .timeout(TIMEOUT)
                .map(page -> new NotificationListResponse(
                        page.notifications().stream()
                                .map(NotificationResponse::of)
                                .toList(),
                        page.total(),
                        page.unreadCount()));
    }

    @GetMapping("/unread-count")
    @Operation(summary = "How many of the caller's notifications are unread")
    @ApiResponse(responseCode = "200", description = "The count")
    Mono<UnreadCountResponse> unreadCount(Caller caller) {
        return Mono.fromFuture(() -> queries.query(new CountUnreadNotificationsQuery(caller.userId()), Long.class))
                .timeout(TIMEOUT)
                .defaultIfEmpty(0L)
                .map(UnreadCountResponse::new);
    }

    /** Beyond the documented API: the delivery record (every attempt) of a notification's webhook/Slack deliveries. */
    @GetMapping("/{notificationId}/deliveries")
    @Addition
    @Operation(summary = "A notification's webhook and Slack deliveries, every attempt included")
    @ApiResponse(responseCode = "200", description = "The deliveries")
    @ApiResponse(responseCode = "404", description = "No such notification, or not the caller's")
    Mono<DeliveriesResponse> deliveries(@PathVariable String notificationId, Caller caller) {
        return owned(notificationId, caller)
                .map(view -> new DeliveriesResponse(
                        view.notificationId(),
                        view.deliveries().stream().map(DeliveryResponse::of).toList()));
    }

    @PutMapping("/{notificationId}/read")
    @Operation(summary = "Mark one notification read")
    @ApiResponse(responseCode = "204", description = "Read")
    @ApiResponse(responseCode = "404", description = "No such notification, or not the caller's")
    Mono<ResponseEntity<Void>> read(@PathVariable String notificationId, Caller caller, ServerHttpRequest http) {
        return owned(notificationId, caller)
                .flatMap(view -> view.readAt() != null
                        ? Mono.empty()
                        : send(new MarkNotificationReadCommand(notificationId, caller.userId()), caller, http)
                                .then(await(
                                        notificationId,
                                        v -> v.isEmpty() || v.get().readAt() != null)))
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build());
    }

    @PostMapping("/mark-all-read")
    @Operation(summary = "Mark all the caller's notifications read")
    @ApiResponse(responseCode = "204", description = "All read")
    Mono<ResponseEntity<Void>> markAllRead(Caller caller, ServerHttpRequest http) {
        return unread(caller.userId())
                .flatMap(ids -> Flux.fromIterable(ids)
                        .flatMap(
                                id -> send(new MarkNotificationReadCommand(id, caller.userId()), caller, http)
                                        .onErrorResume(SandpodException.class, e -> Mono.empty()),
                                MARK_ALL_CONCURRENCY)
                        .then(awaitAllRead(caller.userId(), ids)))
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).<Void>build());
    }

    @DeleteMapping("/{notificationId}")
    @Operation(summary = "Delete one notification")
    @ApiResponse(responseCode = "200", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such notification, or not the caller's")
    Mono<DeleteResponse> delete(@PathVariable String notificationId, Caller caller, ServerHttpRequest http) {
        return owned(notificationId, caller)
                .flatMap(view -> send(new DeleteNotificationCommand(notificationId, caller.userId()), caller, http))
                .then(await(notificationId, Optional::isEmpty))
                .thenReturn(new DeleteResponse("Notification deleted"));
    }

    /** None given (or only blanks) is no filter. */
    private static List<String> tags(List<String> values) {
        List<String> tags = QueryParameters.list(values);
        return tags.isEmpty() ? null : tags;
    }

    private Mono<Object> send(Object command, Caller caller, ServerHttpRequest http) {
        return Mono.fromFuture(() -> commands.send(Origin.command(command, caller, http)))
                .timeout(TIMEOUT);
    }

    private Mono<NotificationView> owned(String notificationId, Caller caller) {
        return find(notificationId)
                .filter(view -> view.userId().equals(caller.userId()))
                .switchIfEmpty(Mono.error(new SandpodException(ErrorCode.NOT_FOUND, "Notification not found")));
    }

    private Mono<NotificationView> find(String notificationId) {
        return Mono.fromFuture(() -> queries.query(new FindNotificationQuery(notificationId), NotificationView.class))
                .timeout(TIMEOUT);
    }

    private Mono<List<String>> unread(String userId) {
        return Mono.fromFuture(
                        () -> queries.query(new FindUnreadNotificationIdsQuery(userId), NotificationIdsView.class))
                .timeout(TIMEOUT)
                .map(NotificationIdsView::notificationIds)
                .defaultIfEmpty(List.of());
    }

    private Mono<Optional<NotificationView>> await(String notificationId, Predicate<Optional<NotificationView>> done) {
        return Mono.defer(() -> find(notificationId))
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .repeatWhen(again -> again.delayElements(CATCH_UP_POLL))
                .take(CATCH_UP_POLLS)
                .takeUntil(done)
                .last();
    }

    private Mono<List<String>> awaitAllRead(String userId, List<String> marked) {
        return Mono.defer(() -> unread(userId))
                .repeatWhen(again -> again.delayElements(CATCH_UP_POLL))
                .take(CATCH_UP_POLLS)
                .takeUntil(still -> still.stream().noneMatch(marked::contains))
                .last();
    }
}
