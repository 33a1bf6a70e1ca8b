package dev.sandpod.query.audit;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.api.web.Caller;
import dev.sandpod.projections.eventindex.AuditedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.config.AggregateConfiguration;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.inspection.AggregateModel;
import org.axonframework.modelling.command.inspection.AnnotatedAggregateMetaModelFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * One aggregate's history straight from the event store (the source of truth): its complete ordered
 * stream, and its state as it was at an instant, rebuilt by the aggregate class's own event-sourcing
 * handlers — the aggregate is instantiated through Axon's model of it and fed its events up to that
 * instant, exactly as a repository loads it, so there is no second copy of the logic to drift.
 *
 * <p>The stream is read from sequence 0, never from a snapshot, so that the history is complete and a
 * past state is never taken from a later snapshot. Everything here blocks on Mongo: call it off the event loop.
 */
@Component
public class AggregateAudit {

    public record EventPage(
            String aggregateType,
            String aggregateId,
            List<Map<String, Object>> events,
            long total,
            int skip,
            int limit) {}

    public record StateAt(
            String aggregateType,
            String aggregateId,
            Instant at,
            long sequenceNumber,
            String lastEventType,
            Instant lastEventTimestamp,
            Map<String, Object> state) {}

    private final EventStore events;
    private final ObjectProvider<Configuration> axon;
    private final Map<Class<?>, AggregateModel<?>> models = new ConcurrentHashMap<>();

    AggregateAudit(EventStore events, ObjectProvider<Configuration> axon) {
        this.events = events;
        this.axon = axon;
    }

    /** A page of the aggregate's events in sequence order; 404 when unknown, 403 when not the caller's. */
    public EventPage events(AuditedAggregate type, String id, Caller caller, int skip, int limit) {
        String aggregateId = type.aggregateId(id);
        DomainEventStream stream = events.readEvents(aggregateId, 0);
        DomainEventMessage<?> first = requireAccess(type, aggregateId, stream, caller);
        List<Map<String, Object>> page = new ArrayList<>(Math.min(limit, 256));
        long index = 0;
        for (DomainEventMessage<?> message = first;
                message != null;
                message = stream.hasNext() ? stream.next() : null) {
            if (index >= skip && page.size() < limit) {
                page.add(AuditedEvent.render(message));
            }
            index++;
        }
        return new EventPage(type.wireName(), aggregateId, page, index, skip, limit);
    }

    /** The state after the last event stored at or before {@code at}; 404 when that is before the first event. */
    public StateAt stateAt(AuditedAggregate type, String id, Instant at, Caller caller) {
        String aggregateId = type.aggregateId(id);
        DomainEventStream stream = events.readEvents(aggregateId, 0);
        DomainEventMessage<?> first = requireAccess(type, aggregateId, stream, caller);
        List<DomainEventMessage<?>> upTo = new ArrayList<>();
        for (DomainEventMessage<?> message = first;
                message != null;
                message = stream.hasNext() ? stream.next() : null) {
            if (message.getTimestamp().isAfter(at)) {
                break;
            }
            upTo.add(message);
        }
        if (upTo.isEmpty()) {
            throw new SandpodException(
                    ErrorCode.NOT_FOUND,
                    "The aggregate did not exist yet at " + at + " (its first event is at " + first.getTimestamp()
                            + ")");
        }
        Object root = rebuild(type, aggregateId, upTo);
        DomainEventMessage<?> last = upTo.get(upTo.size() - 1);
        return new StateAt(
                type.wireName(),
                aggregateId,
                at,
                last.getSequenceNumber(),
                AuditedEvent.typeOf(last.getPayloadType()),
                last.getTimestamp(),
                AuditedEvent.fieldsOf(root));
    }

    private DomainEventMessage<?> requireAccess(
            AuditedAggregate type,
            String aggregateId,
            Iterator<? extends DomainEventMessage<?>> stream,
            Caller caller) {
        DomainEventMessage<?> first = stream.hasNext() ? stream.next() : null;
        if (first == null || !type.storedType().equals(first.getType())) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "No " + type.wireName() + " " + aggregateId);
        }
        if (caller.isAdmin()) {
            return first;
        }
        String owner = switch (type.ownership()) {
            case FIRST_EVENT -> AuditedEvent.userNamedBy(first.getPayload());
            case THE_USER -> type.userOf(aggregateId);
            case ADMINS -> null;
        };
        if (owner == null || !Objects.equals(owner, caller.userId())) {
            throw new SandpodException(ErrorCode.FORBIDDEN, "Not authorized to see this " + type.wireName());
        }
        return first;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object rebuild(AuditedAggregate type, String aggregateId, List<DomainEventMessage<?>> upTo) {
        Configuration configuration = axon.getObject();
        AggregateConfiguration aggregate = configuration.findModules(AggregateConfiguration.class).stream()
                .filter(module -> module.aggregateType().getSimpleName().equals(type.storedType()))
                .findFirst()
                .orElseThrow(() -> new SandpodException(
                        ErrorCode.NOT_FOUND, "No aggregate of type " + type.wireName() + " is configured"));
        Class<?> aggregateType = aggregate.aggregateType();
        AggregateModel model = models.computeIfAbsent(
                aggregateType,
                t -> AnnotatedAggregateMetaModelFactory.inspectAggregate(
                        t, configuration.parameterResolverFactory(), configuration.handlerDefinition(t)));
        Object root = aggregate.aggregateFactory().createAggregateRoot(aggregateId, upTo.get(0));
        EventSourcedAggregate<?> sourced =
                EventSourcedAggregate.initialize(root, model, null, NoSnapshotTriggerDefinition.TRIGGER);
        sourced.initializeState(DomainEventStream.of(upTo));
        return sourced.getAggregateRoot();
    }
}
