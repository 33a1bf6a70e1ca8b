package dev.sandpod.app.processors;

import dev.sandpod.api.error.StoreFailures;
import java.util.List;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventhandling.deadletter.MongoSequencedDeadLetterQueue;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * Axon's sequenced dead-letter queue, kept in Mongo ({@code deadletters}, axon-mongo's
 * {@link MongoSequencedDeadLetterQueue}), for every projection: an event a handler fails on is parked with
 * the error, later events of the same aggregate are parked behind it (so the read model never applies them
 * out of order), and every other aggregate keeps flowing. Admins list, retry and discard them over
 * {@code /api/v1/dlq}.
 *
 * <p>Three things nothing wires by itself: the queue per processing group; an error handler that propagates
 * (Axon's default one logs and swallows the exception before the dead-lettering invoker could see it, so
 * nothing would ever be parked); and {@code allowReset}, so that a rebuild, which handles every event again,
 * starts with an empty queue instead of parking each aggregate that once failed. The sequence-identifier
 * cache spares a Mongo lookup per event while the queue is empty (the rebuild's case).
 *
 * <p>Not here: {@code run-dispatch} and {@code notification-policy} retry instead (a Kafka or query outage
 * is transient, and a parked run request would leave its execution waiting for the backstop), and sagas,
 * which Axon's dead-letter queue does not support.
 */
@Configuration(proxyBeanMethods = false)
class DeadLetterConfiguration {

    static final List<String> PROCESSING_GROUPS = List.of(
            "executions",
            "users",
            "user-settings",
            "saved-scripts",
            "notifications",
            "rate-limit-overrides",
            "dispatch-queue",
            "system-settings");

    /** Diagnostics key: how often the event failed (first failure included). */
    static final String ATTEMPTS = "attempts";

    @Autowired
    void deadLetters(EventProcessingConfigurer processing, MongoTemplate axonMongoTemplate) {
        for (String group : PROCESSING_GROUPS) {
            processing.registerListenerInvocationErrorHandler(group, c -> PropagatingErrorHandler.instance());
            processing.registerDeadLetterQueue(
                    group,
                    c -> MongoSequencedDeadLetterQueue.<EventMessage<?>>builder()
                            .processingGroup(group)
                            .mongoTemplate(axonMongoTemplate)
                            .serializer(c.eventSerializer())
                            .transactionManager(NoTransactionManager.instance())
                            .build());
            processing.registerDeadLetterPolicy(group, c -> countingAttempts());
            processing.registerDeadLetteringEventHandlerInvokerConfiguration(
                    group,
                    (c, builder) -> builder.enableSequenceIdentifierCache().allowReset(true));
        }
    }

    static EnqueuePolicy<EventMessage<?>> countingAttempts() {
        return (letter, cause) -> {
            if (StoreFailures.isTransient(cause)) {
                // The store is unreachable or full (issue 20): nothing is wrong with the event. Failing the
                // batch makes the processor try it again later, instead of parking it (and every later event
                // of its aggregate) for an admin.
                throw cause instanceof RuntimeException runtime
                        ? runtime
                        : new IllegalStateException("The data store is unavailable", cause);
            }
            Object previous = letter.diagnostics().get(ATTEMPTS);
            long attempts = (previous instanceof Number n ? n.longValue() : 0) + 1;
            return Decisions.enqueue(cause, l -> l.diagnostics().and(ATTEMPTS, attempts));
        };
    }
}
