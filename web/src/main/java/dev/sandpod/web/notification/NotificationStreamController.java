package dev.sandpod.web.notification;

import dev.sandpod.api.notification.FindNotificationsAfterQuery;
import dev.sandpod.api.notification.NotificationPageView;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.notification.StreamNotificationsQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.notification.NotificationResponses.NotificationResponse;
import dev.sandpod.web.support.OpenStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /events/notifications/stream}: an {@code event: notification} frame for each
 * notification delivered in-app to the caller, on every stream the caller has open, and a heartbeat comment
 * every 30 s. The first frame is a {@code connected} comment, sent once the subscription is registered: from
 * then on nothing is missed. A client that reconnects with {@code Last-Event-ID} (the id of the last notification it
 * got) gets the notifications it missed meanwhile right after that comment, from the read model, on any instance; a
 * notification both missed and arriving live is sent once. The subscription is released when the client goes away.
 *
 * <p>Frames come from the notification projection as it stores each notification: in this JVM by default, and from
 * whichever instance's projection stored it when the instances share Redis ({@code SANDPOD_REDIS_URL}; "Several
 * instances" in docs/architecture.md).
 */
@RestController
@Tag(name = "Notifications")
class NotificationStreamController {

    private static final int UPDATE_BUFFER = 1024;
    /** At most this many missed notifications are sent on a resume; the inbox has the rest. */
    private static final int RESUME_MAX = 500;

    private final QueryGateway queries;
    private final Duration heartbeat;
    private final OpenStreams openStreams;

    NotificationStreamController(
            QueryGateway queries,
            @Value("${sandpod.notifications.sse-heartbeat:30s}") Duration heartbeat,
            OpenStreams openStreams) {
        this.queries = queries;
        this.heartbeat = heartbeat;
        this.openStreams = openStreams;
    }

    @GetMapping(path = "/api/v1/events/notifications/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "The caller's notifications as they arrive (server-sent events)",
            description = "Opens with a `:connected` comment once nothing can be missed any more; then each "
                    + "notification delivered in-app is an SSE frame with `event: notification`, its id as the SSE "
                    + "`id:` and the notification (JSON) as `data:`; a `:heartbeat` comment comes every 30 s. "
                    + "Reconnecting with `Last-Event-ID` sends the notifications missed since that one first "
                    + "(up to 500), oldest first.")
    @ApiResponse(
            responseCode = "200",
            description = "The stream (it stays open)",
            content =
                    @Content(
                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(implementation = NotificationResponse.class)))
    Mono<ResponseEntity<Flux<ServerSentEvent<NotificationResponse>>>> stream(
            Caller caller,
            @RequestHeader(name = "Last-Event-ID", required = false)
                    @Parameter(description = "Resume after this notification (the last SSE id seen)")
                    String lastEventId) {
        return Mono.just(ResponseEntity.ok()
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(openStreams.counted("notification", withHeartbeats(frames(caller.userId(), lastEventId)))));
    }

    private Flux<ServerSentEvent<NotificationResponse>> frames(String userId, String lastEventId) {
        return Flux.defer(() -> {
            SubscriptionQueryResult<Long, NotificationView> subscription = queries.subscriptionQuery(
                    StreamNotificationsQuery.class.getName(),
                    new StreamNotificationsQuery(userId),
                    ResponseTypes.instanceOf(Long.class),
                    ResponseTypes.instanceOf(NotificationView.class),
                    UPDATE_BUFFER);
            Mono<ServerSentEvent<NotificationResponse>> connected = subscription
                    .initialResult()
                    .map(unread -> ServerSentEvent.<NotificationResponse>builder()
                            .comment("connected")
                            .build())
                    .defaultIfEmpty(ServerSentEvent.<NotificationResponse>builder()
                            .comment("connected")
                            .build());
            Set<String> sent = ConcurrentHashMap.newKeySet();
            // read after the subscription is registered: a notification stored meanwhile is in one or both
            Flux<NotificationView> missed = lastEventId == null || lastEventId.isBlank()
                    ? Flux.empty()
                    : Mono.fromFuture(() -> queries.query(
                                    new FindNotificationsAfterQuery(userId, lastEventId, RESUME_MAX),
                                    NotificationPageView.class))
                            .flatMapIterable(NotificationPageView::notifications);
            Flux<ServerSentEvent<NotificationResponse>> frames = Flux.concat(missed, subscription.updates())
                    .filter(view -> sent.add(view.notificationId()))
                    .map(view -> ServerSentEvent.builder(NotificationResponse.of(view))
                            .event("notification")
                            .id(view.notificationId())
                            .build());
            return Flux.concat(connected, frames).doFinally(signal -> subscription.cancel());
        });
    }

    private Flux<ServerSentEvent<NotificationResponse>> withHeartbeats(
            Flux<ServerSentEvent<NotificationResponse>> frames) {
        Flux<ServerSentEvent<NotificationResponse>> beats = Flux.interval(heartbeat)
                .map(tick -> ServerSentEvent.<NotificationResponse>builder()
                        .comment("heartbeat")
                        .build());
        return frames.publish(shared -> Flux.merge(shared, beats.takeUntilOther(shared.then())));
    }
}
