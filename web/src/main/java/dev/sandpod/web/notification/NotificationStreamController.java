package dev.sandpod.web.notification;

import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.api.notification.StreamNotificationsQuery;
import dev.sandpod.api.web.Caller;
import dev.sandpod.web.notification.NotificationResponses.NotificationResponse;
import dev.sandpod.web.support.OpenStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.SubscriptionQueryResult;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /events/notifications/stream}: an {@code event: notification} frame for each
 * notification delivered in-app to the caller, on every stream the caller has open, and a heartbeat comment
 * every 30 s. The first frame is a {@code connected} comment, sent once the subscription is registered: from
 * then on nothing is missed. The subscription is released when the client goes away.
 *
 * <p>Frames come from the notification projection as it stores each notification: in this JVM by default, and from
 * whichever instance's projection stored it when the instances share Redis ({@code SANDPOD_REDIS_URL}; "Several
 * instances" in docs/architecture.md).
 */
@RestController
@Tag(name = "Notifications")
class NotificationStreamController {

    private static final int UPDATE_BUFFER = 1024;

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
                    + "`id:` and the notification (JSON) as `data:`; a `:heartbeat` comment comes every 30 s.")
    @ApiResponse(
            responseCode = "200",
            description = "The stream (it stays open)",
            content =
                    @Content(
                            mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(implementation = NotificationResponse.class)))
    Mono<ResponseEntity<Flux<ServerSentEvent<NotificationResponse>>>> stream(Caller caller) {
        return Mono.just(ResponseEntity.ok()
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .body(openStreams.counted("notification", withHeartbeats(frames(caller.userId())))));
    }

    private Flux<ServerSentEvent<NotificationResponse>> frames(String userId) {
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
            Flux<ServerSentEvent<NotificationResponse>> updates = subscription
                    .updates()
                    .map(view -> ServerSentEvent.builder(NotificationResponse.of(view))
                            .event("notification")
                            .id(view.notificationId())
                            .build());
            return Flux.concat(connected, updates).doFinally(signal -> subscription.cancel());
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
