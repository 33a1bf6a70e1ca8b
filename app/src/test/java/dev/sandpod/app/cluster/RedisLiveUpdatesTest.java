package dev.sandpod.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sandpod.api.execution.ErrorType;
import dev.sandpod.api.execution.ExecutionFrameView;
import dev.sandpod.api.execution.ExecutionResultView;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.Priority;
import dev.sandpod.api.execution.ResourceUsage;
import dev.sandpod.api.execution.StreamExecutionQuery;
import dev.sandpod.projections.live.LocalLiveUpdates;
import dev.sandpod.web.ratelimit.RedisProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.queryhandling.GenericSubscriptionQueryMessage;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Two instances' buses on one real {@code redis-server}: a frame published by one reaches the subscription
 * queries open on the other, whole (its result too), in order, after its unit of work commits and never for a
 * rolled-back one.
 */
class RedisLiveUpdatesTest {

    private static final String ID = "exec-live-1";
    private static final Instant AT = Instant.parse("2026-12-07T10:15:30.123456Z");

    private static RedisProcess redis;
    private static LettuceConnectionFactory connections;
    private static ReactiveRedisMessageListenerContainer listenersA;
    private static ReactiveRedisMessageListenerContainer listenersB;
    private static SimpleQueryUpdateEmitter emitterA;
    private static RedisLiveUpdates busA;
    private static RedisLiveUpdates busB;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        connections.afterPropertiesSet();
        connections.start();
        listenersA = new ReactiveRedisMessageListenerContainer(connections);
        listenersB = new ReactiveRedisMessageListenerContainer(connections);
        emitterA = SimpleQueryUpdateEmitter.builder().build();
        busA = new RedisLiveUpdates(
                new ReactiveStringRedisTemplate(connections), listenersA, new LocalLiveUpdates(emitterA));
        busB = new RedisLiveUpdates(
                new ReactiveStringRedisTemplate(connections),
                listenersB,
                new LocalLiveUpdates(SimpleQueryUpdateEmitter.builder().build()));
        busA.start();
        busB.start();
    }

    @AfterAll
    static void stop() {
        busA.stop();
        busB.stop();
        listenersA.destroy();
        listenersB.destroy();
        connections.destroy();
        redis.close();
    }

    private static List<ExecutionFrameView> streamOnA(String executionId) {
        List<ExecutionFrameView> got = new CopyOnWriteArrayList<>();
        emitterA.registerUpdateHandler(
                        new GenericSubscriptionQueryMessage<>(
                                new StreamExecutionQuery(executionId),
                                ResponseTypes.multipleInstancesOf(ExecutionFrameView.class),
                                ResponseTypes.instanceOf(ExecutionFrameView.class)),
                        64)
                .getUpdates()
                .subscribe(update -> got.add((ExecutionFrameView) update.getPayload()));
        return got;
    }

    private static ExecutionFrameView frame(String executionId, String type, String eventId) {
        return new ExecutionFrameView(type, executionId, AT, eventId, ExecutionStatus.RUNNING, null, null, null);
    }

    @Test
    void aFramePublishedOnBReachesAStreamOnAWithItsResult() {
        List<ExecutionFrameView> got = streamOnA(ID);
        var result = new ExecutionResultView(
                ID,
                "user-1",
                ExecutionStatus.COMPLETED,
                "hi\n",
                "",
                "python",
                "3.11",
                new ResourceUsage(0.25, 12, 100, 2048),
                0,
                ErrorType.TIMEOUT,
                Priority.HIGH,
                false,
                true,
                AT,
                AT.plusSeconds(1),
                "print('hi')",
                "0af7651916cd43dd8448eb211c80319c",
                "hi");
        var stored = new ExecutionFrameView(
                "result_stored", ID, AT, "event-9", ExecutionStatus.COMPLETED, result, null, null);

        busB.executionFrame(stored);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(got).containsExactly(stored));
    }

    @Test
    void aUnitOfWorksFramesLeaveInOrderAfterItsCommitAndNeverForARollback() {
        String id = "exec-live-2";
        List<ExecutionFrameView> got = streamOnA(id);

        DefaultUnitOfWork<?> rolledBack = DefaultUnitOfWork.startAndGet(null);
        busB.executionFrame(frame(id, "execution_running", "lost"));
        rolledBack.rollback();

        DefaultUnitOfWork<?> work = DefaultUnitOfWork.startAndGet(null);
        for (int i = 0; i < 20; i++) {
            busB.executionFrame(frame(id, "execution_running", "e" + i));
        }
        long before = busA.received();
        work.commit();

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(got).hasSize(20));
        assertThat(got.stream().map(ExecutionFrameView::eventId).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20)
                        .mapToObj(i -> "e" + i)
                        .toList());
        assertThat(busA.received()).isGreaterThanOrEqualTo(before + 20);
    }
}
