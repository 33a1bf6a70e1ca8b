package dev.sandpod.app.observability;

import dev.sandpod.api.execution.ExecutionCancelledEvent;
import dev.sandpod.api.execution.ExecutionCompletedEvent;
import dev.sandpod.api.execution.ExecutionErroredEvent;
import dev.sandpod.api.execution.ExecutionFailedEvent;
import dev.sandpod.api.execution.ExecutionOutcome;
import dev.sandpod.api.execution.ExecutionQueuedEvent;
import dev.sandpod.api.execution.ExecutionRequestedEvent;
import dev.sandpod.api.execution.ExecutionScheduledEvent;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.ExecutionTimedOutEvent;
import dev.sandpod.api.notification.DeliveryOutcome;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationDeliveryAttemptedEvent;
import dev.sandpod.api.user.UserLockedOutEvent;
import dev.sandpod.api.user.UserLoginFailedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Counts what happens to executions, logins and webhook deliveries, from the events themselves. It is its own
 * streaming processor that starts at the head of the store and never replays ({@link DisallowReplay}): a
 * projection rebuild must not count a run twice, and one processor (one claimed segment per event, whatever
 * the number of instances) counts each event once across the cluster. Durations come from the events' own
 * facts (the runner's measured wall time, the commit times of queued and scheduled), so a lagging processor
 * still records the right values.
 */
@Component
@ProcessingGroup(ExecutionMetrics.PROCESSING_GROUP)
@DisallowReplay
class ExecutionMetrics {

    static final String PROCESSING_GROUP = "metrics";
    private static final int REMEMBERED = 10_000;

    private final MeterRegistry registry;
    private final EventStore events;
    /** Language, version and queued time of the executions in flight, to tag what their later events measure. */
    private final Map<String, Facts> inFlight = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Facts> eldest) {
            return size() > REMEMBERED;
        }
    });

    private record Facts(String lang, String version, Instant queuedAt) {
        Facts queued(Instant at) {
            return new Facts(lang, version, at);
        }
    }

    ExecutionMetrics(MeterRegistry registry, EventStore events) {
        this.registry = registry;
        this.events = events;
        // Series with known tags exist from the start at 0, so that dashboards and alerts see "none yet" rather
        // than "no data", and a rate over the first occurrence is right.
        for (String reason : new String[] {"wrong_password", "inactive"}) {
            loginFailures(reason);
        }
        lockouts();
        for (NotificationChannel channel : NotificationChannel.values()) {
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                deliveries(channel, outcome);
            }
        }
    }

    private Counter loginFailures(String reason) {
        return Counter.builder("sandpod.auth.login.failures")
                .description("Failed sign-ins of existing accounts, by reason")
                .tags("reason", tag(reason))
                .register(registry);
    }

    private Counter lockouts() {
        return Counter.builder("sandpod.auth.lockouts")
                .description("Accounts locked after too many failed sign-ins")
                .register(registry);
    }

    private Counter deliveries(NotificationChannel channel, DeliveryOutcome outcome) {
        return Counter.builder("sandpod.notifications.deliveries")
                .description("Webhook and Slack delivery attempts, by channel and outcome")
                .tags("channel", tag(String.valueOf(channel)), "outcome", tag(String.valueOf(outcome)))
                .register(registry);
    }

    @EventHandler
    void on(ExecutionRequestedEvent event) {
        inFlight.put(event.executionId(), new Facts(event.lang(), event.langVersion(), null));
        Counter.builder("sandpod.executions.started")
                .description("Executions accepted, by language and version")
                .tags("lang", event.lang(), "version", event.langVersion())
                .register(registry)
                .increment();
    }

    @EventHandler
    void on(ExecutionQueuedEvent event, @Timestamp Instant at) {
        inFlight.compute(
                event.executionId(), (id, facts) -> facts == null ? facts(id).queued(at) : facts.queued(at));
    }

    @EventHandler
    void on(ExecutionScheduledEvent event, @Timestamp Instant at) {
        Facts facts = inFlight.computeIfAbsent(event.executionId(), this::facts);
        if (facts.queuedAt() != null) {
            Timer.builder("sandpod.execution.queue.wait")
                    .description("Time from queued to scheduled (a slot granted)")
                    .tags("lang", facts.lang())
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.between(facts.queuedAt(), at).abs());
        }
    }

    @EventHandler
    void on(ExecutionCompletedEvent event) {
        finished(event.executionId(), ExecutionStatus.COMPLETED, event.outcome());
    }

    @EventHandler
    void on(ExecutionFailedEvent event) {
        finished(event.executionId(), ExecutionStatus.FAILED, event.outcome());
    }

    @EventHandler
    void on(ExecutionTimedOutEvent event) {
        finished(event.executionId(), ExecutionStatus.TIMEOUT, event.outcome());
    }

    @EventHandler
    void on(ExecutionCancelledEvent event) {
        finished(event.executionId(), ExecutionStatus.CANCELLED, event.outcome());
    }

    @EventHandler
    void on(ExecutionErroredEvent event) {
        finished(event.executionId(), ExecutionStatus.ERROR, null);
    }

    @EventHandler
    void on(UserLoginFailedEvent event) {
        loginFailures(event.reason()).increment();
    }

    @EventHandler
    void on(UserLockedOutEvent event) {
        lockouts().increment();
    }

    @EventHandler
    void on(NotificationDeliveryAttemptedEvent event) {
        deliveries(event.channel(), event.outcome()).increment();
    }

    private void finished(String executionId, ExecutionStatus status, ExecutionOutcome outcome) {
        Facts facts = inFlight.remove(executionId);
        if (facts == null) {
            facts = facts(executionId);
        }
        String statusTag = status.wireName();
        Counter.builder("sandpod.executions.finished")
                .description("Executions that reached a terminal status, by language, version and status")
                .tags("lang", facts.lang(), "version", facts.version(), "status", statusTag)
                .register(registry)
                .increment();
        if (outcome != null
                && outcome.resourceUsage() != null
                && outcome.resourceUsage().wallSeconds() > 0) {
            Timer.builder("sandpod.execution.duration")
                    .description("Wall-clock time of a run in its sandbox, as the runner measured it")
                    .tags("lang", facts.lang(), "status", statusTag)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofNanos((long) (outcome.resourceUsage().wallSeconds() * 1e9)));
        }
    }

    /** After a restart an execution's first events were counted before it: read them back from its stream. */
    private Facts facts(String executionId) {
        String lang = "unknown";
        String version = "unknown";
        Instant queuedAt = null;
        try (var stream = events.readEvents(executionId).asStream()) {
            for (DomainEventMessage<?> message : stream.limit(4).toList()) {
                if (message.getPayload() instanceof ExecutionRequestedEvent requested) {
                    lang = requested.lang();
                    version = requested.langVersion();
                } else if (message.getPayload() instanceof ExecutionQueuedEvent) {
                    queuedAt = message.getTimestamp();
                    break;
                }
            }
        } catch (RuntimeException e) {
            // no stream (deleted or foreign id): the run is still counted, under "unknown"
        }
        return new Facts(lang, version, queuedAt);
    }

    private static String tag(String value) {
        return value == null ? "unknown" : value.toLowerCase(Locale.ROOT);
    }
}
