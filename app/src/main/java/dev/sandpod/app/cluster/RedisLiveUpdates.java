package dev.sandpod.app.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.notification.NotificationView;
import dev.sandpod.projections.live.LiveUpdates;
import dev.sandpod.projections.live.LocalLiveUpdates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Live updates shared by every instance through Redis pub/sub: the projection that handles an event publishes its
 * frame (or notification) on a channel after its unit of work commits, and every instance, this one included,
 * receives it and hands it to the streams open there ({@link LocalLiveUpdates}). So a stream opened on any
 * instance sees the runs handled by any other. Updates of one unit of work are published in their order, after
 * its commit, on one connection, so a stream sees one execution's frames in the order its projection stored them.
 *
 * <p>Pub/sub is at-most-once: an update published while Redis is unreachable is lost for the open streams (logged),
 * but not for their clients — every lifecycle frame is stored first, and a client that reconnects with
 * {@code Last-Event-ID}, on any instance, gets the stored frames after the last one it saw.
 */
public class RedisLiveUpdates implements LiveUpdates, SmartLifecycle {

    static final String EXECUTION_FRAMES = "sandpod:live:execution-frames";
    static final String NOTIFICATIONS = "sandpod:live:notifications";

    private static final Logger log = LoggerFactory.getLogger(RedisLiveUpdates.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);
    private static final String PENDING = RedisLiveUpdates.class.getName() + ".pending";

    private record Pending(String channel, String payload) {}

    private final ReactiveStringRedisTemplate redis;
    private final ReactiveRedisMessageListenerContainer listeners;
    private final LocalLiveUpdates local;
    private final ObjectMapper json = JsonMapper.builder()
            .findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final AtomicLong received = new AtomicLong();
    private volatile Disposable subscription;

    public RedisLiveUpdates(
            ReactiveStringRedisTemplate redis,
            ReactiveRedisMessageListenerContainer listeners,
            LocalLiveUpdates local) {
        this.redis = redis;
        this.listeners = listeners;
        this.local = local;
    }

    @Override
    public void executionFrame(ExecutionFrameView frame) {
        publish(EXECUTION_FRAMES, frame);
    }

    @Override
    public void notification(NotificationView notification) {
        publish(NOTIFICATIONS, notification);
    }

    /** Updates this instance received from the bus since it started (its own included). */
    public long received() {
        return received.get();
    }

    private void publish(String channel, Object update) {
        String payload;
        try {
            payload = json.writeValueAsString(update);
        } catch (Exception e) {
            log.warn("live update on {} not published: {}", channel, e.toString());
            return;
        }
        if (!CurrentUnitOfWork.isStarted()) {
            send(List.of(new Pending(channel, payload)));
            return;
        }
        // One list per unit of work, sent in order after the commit (after-commit handlers run in reverse order,
        // so one handler sends them all); nothing is sent for a rolled-back one.
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        List<Pending> pending = root.getOrComputeResource(PENDING, key -> {
            List<Pending> list = new ArrayList<>();
            root.afterCommit(u -> send(list));
            return list;
        });
        pending.add(new Pending(channel, payload));
    }

    /**
     * Waits for each publish, so that the next unit of work's updates cannot overtake these; on a thread that must
     * not block (a command handled on the event loop) they are chained instead, in order among themselves.
     */
    private void send(List<Pending> updates) {
        if (Schedulers.isInNonBlockingThread()) {
            Flux.fromIterable(List.copyOf(updates))
                    .concatMap(update -> redis.convertAndSend(update.channel(), update.payload())
                            .doOnError(e -> notSent(update, e))
                            .onErrorResume(e -> Mono.empty()))
                    .subscribe();
            return;
        }
        for (Pending update : updates) {
            try {
                redis.convertAndSend(update.channel(), update.payload()).block(PUBLISH_TIMEOUT);
            } catch (RuntimeException e) {
                notSent(update, e);
            }
        }
    }

    /** The frame is stored: a client that reconnects gets it. Never fails the processor. */
    private static void notSent(Pending update, Throwable e) {
        log.warn("live update on {} not published to Redis: {}", update.channel(), e.toString());
    }

    private void deliver(ReactiveSubscription.Message<String, String> message) {
        received.incrementAndGet();
        try {
            if (EXECUTION_FRAMES.equals(message.getChannel())) {
                local.executionFrame(json.readValue(message.getMessage(), ExecutionFrameView.class));
            } else if (NOTIFICATIONS.equals(message.getChannel())) {
                local.notification(json.readValue(message.getMessage(), NotificationView.class));
            }
        } catch (Exception e) {
            log.warn("unreadable live update on {} skipped: {}", message.getChannel(), e.toString());
        }
    }

    /** Subscribes before the instance serves streams, then keeps the subscription (resubscribing after an outage). */
    @Override
    public void start() {
        ChannelTopic[] topics = {ChannelTopic.of(EXECUTION_FRAMES), ChannelTopic.of(NOTIFICATIONS)};
        CountDownLatch subscribed = new CountDownLatch(1);
        subscription = Mono.defer(() -> listeners.receiveLater(topics))
                .doOnNext(messages -> subscribed.countDown())
                .flatMapMany(messages -> messages)
                .doOnError(e -> log.warn("Redis live-update subscription lost; resubscribing: {}", e.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
                .subscribe(this::deliver);
        try {
            if (!subscribed.await(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Redis live-update channels not subscribed yet; streams get updates once they are");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        subscription = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
