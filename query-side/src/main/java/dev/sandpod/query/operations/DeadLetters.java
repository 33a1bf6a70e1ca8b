package dev.sandpod.query.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.query.history.EventTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.Cause;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.stereotype.Component;

/**
 * The dead letters of every processor that has a queue, through Axon's own queue and processor API (so it
 * holds whatever store backs the queues). A dead letter's id is {@code processor:eventId}: an event is
 * parked at most once per processor.
 *
 * <p>A retry handles the letter's whole sequence (its aggregate's parked events, oldest first), because
 * the later ones were parked only to keep them in order behind it. Blocking: call it off the event loop.
 */
@Component
public class DeadLetters {

    private final EventProcessingConfiguration processing;
    private final ObjectMapper json;

    public DeadLetters(EventProcessingConfiguration processing, ObjectMapper json) {
        this.processing = processing;
        this.json = json;
    }

    public record DeadLetterView(
            String id,
            String processor,
            String sequenceId,
            int positionInSequence,
            String eventId,
            String eventType,
            String aggregateId,
            String aggregateType,
            Long sequenceNumber,
            Instant eventTimestamp,
            String errorType,
            String errorMessage,
            long attempts,
            Instant enqueuedAt,
            Instant lastTouched,
            Map<String, Object> payload,
            Map<String, Object> metadata) {}

    public record Filter(String processor, String eventType, Instant enqueuedBefore, Instant enqueuedAfter) {
        boolean matches(DeadLetterView letter) {
            return (processor == null || processor.equals(letter.processor()))
                    && (eventType == null || eventType.equals(letter.eventType()))
                    && (enqueuedBefore == null || !letter.enqueuedAt().isAfter(enqueuedBefore))
                    && (enqueuedAfter == null || !letter.enqueuedAt().isBefore(enqueuedAfter));
        }
    }

    public record Stats(
            long total,
            long sequences,
            Map<String, Long> byProcessor,
            Map<String, Long> byEventType,
            Instant oldestEnqueuedAt) {}

    public record RetryOutcome(String id, String processor, boolean succeeded, long remainingInProcessor) {}

    /** Processors with a dead-letter queue, by name. */
    public List<String> processors() {
        return processing.eventProcessors().keySet().stream()
                .filter(name -> processing.deadLetterQueue(name).isPresent())
                .sorted()
                .toList();
    }

    /** Every dead letter matching the filter, oldest first. */
    public List<DeadLetterView> list(Filter filter) {
        List<DeadLetterView> letters = new ArrayList<>();
        for (String processor : processors()) {
            if (filter.processor() != null && !filter.processor().equals(processor)) {
                continue;
            }
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(processor);
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                int position = 0;
                for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                    DeadLetterView view = view(processor, letter, position++);
                    if (filter.matches(view)) {
                        letters.add(view);
                    }
                }
            }
        }
        letters.sort(Comparator.comparing(DeadLetterView::enqueuedAt).thenComparing(DeadLetterView::id));
        return letters;
    }

    public DeadLetterView get(String id) {
        Located located = locate(id);
        return view(located.processor, located.letter, located.position);
    }

    public Stats stats() {
        Map<String, Long> byProcessor = new TreeMap<>();
        Map<String, Long> byType = new TreeMap<>();
        long sequences = 0;
        Instant oldest = null;
        List<DeadLetterView> all = list(new Filter(null, null, null, null));
        for (String processor : processors()) {
            sequences += queue(processor).amountOfSequences();
            byProcessor.put(processor, queue(processor).size());
        }
        for (DeadLetterView letter : all) {
            byType.merge(letter.eventType(), 1L, Long::sum);
            if (oldest == null || letter.enqueuedAt().isBefore(oldest)) {
                oldest = letter.enqueuedAt();
            }
        }
        return new Stats(all.size(), sequences, byProcessor, byType, oldest);
    }

    /** Handles the letter's sequence again; on failure it stays parked with the new error and one more attempt. */
    public RetryOutcome retry(String id) {
        Located located = locate(id);
        String sequence = sequenceOf(located.letter.message());
        boolean succeeded =
                processor(located.processor).process(letter -> sequence.equals(sequenceOf(letter.message())));
        return new RetryOutcome(
                id, located.processor, succeeded, queue(located.processor).size());
    }

    /** Retries every parked sequence once (of one processor, or of all); answers how many went through. */
    public List<RetryOutcome> retryAll(String onlyProcessor) {
        List<RetryOutcome> outcomes = new ArrayList<>();
        for (String processor : processors()) {
            if (onlyProcessor != null && !onlyProcessor.equals(processor)) {
                continue;
            }
            List<String> heads = new ArrayList<>();
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence :
                    queue(processor).deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> head : sequence) {
                    heads.add(head.message().getIdentifier());
                    break;
                }
            }
            for (String eventId : heads) {
                String id = processor + ":" + eventId;
                try {
                    outcomes.add(retry(id));
                } catch (SandpodException gone) {
                    // handled meanwhile (another retry, another instance): nothing left to do for it
                }
            }
        }
        return outcomes;
    }

    /** Removes one dead letter unhandled and answers what it was, for the record. */
    public DeadLetterView discard(String id) {
        Located located = locate(id);
        DeadLetterView view = view(located.processor, located.letter, located.position);
        queue(located.processor).evict(located.letter);
        return view;
    }

    private record Located(String processor, DeadLetter<? extends EventMessage<?>> letter, int position) {}

    private Located locate(String id) {
        int colon = id == null ? -1 : id.lastIndexOf(':');
        if (colon <= 0 || colon == id.length() - 1) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "No dead letter " + id);
        }
        String processor = id.substring(0, colon);
        String eventId = id.substring(colon + 1);
        if (processing.deadLetterQueue(processor).isEmpty()) {
            throw new SandpodException(ErrorCode.NOT_FOUND, "No dead letter " + id);
        }
        for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence :
                queue(processor).deadLetters()) {
            int position = 0;
            for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                if (letter.message().getIdentifier().equals(eventId)) {
                    return new Located(processor, letter, position);
                }
                position++;
            }
        }
        throw new SandpodException(ErrorCode.NOT_FOUND, "No dead letter " + id);
    }

    /** The queue's sequence identifier under Axon's default policy: the aggregate, else the event itself. */
    static String sequenceOf(EventMessage<?> message) {
        return message instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null
                ? domain.getAggregateIdentifier()
                : message.getIdentifier();
    }

    @SuppressWarnings("unchecked")
    private DeadLetterView view(String processor, DeadLetter<? extends EventMessage<?>> letter, int position) {
        EventMessage<?> message = letter.message();
        DomainEventMessage<?> domain = message instanceof DomainEventMessage<?> d ? d : null;
        Object payload = message.getPayload();
        Map<String, Object> fields;
        try {
            fields = json.convertValue(payload, Map.class);
        } catch (IllegalArgumentException e) {
            fields = Map.of("value", String.valueOf(payload));
        }
        Object attempts = letter.diagnostics().get("attempts");
        Cause cause = letter.cause().orElse(null);
        return new DeadLetterView(
                processor + ":" + message.getIdentifier(),
                processor,
                sequenceOf(message),
                position,
                message.getIdentifier(),
                EventTypes.of(message.getPayloadType()),
                domain == null ? null : domain.getAggregateIdentifier(),
                domain == null ? null : domain.getType(),
                domain == null ? null : domain.getSequenceNumber(),
                message.getTimestamp(),
                cause == null ? null : cause.type(),
                cause == null ? null : cause.message(),
                attempts instanceof Number n ? n.longValue() : cause == null ? 0 : 1,
                letter.enqueuedAt(),
                letter.lastTouched(),
                fields,
                new LinkedHashMap<>(message.getMetaData()));
    }

    private SequencedDeadLetterQueue<EventMessage<?>> queue(String processor) {
        return processing.deadLetterQueue(processor).orElseThrow();
    }

    private SequencedDeadLetterProcessor<EventMessage<?>> processor(String processor) {
        return processing.sequencedDeadLetterProcessor(processor).orElseThrow();
    }
}
