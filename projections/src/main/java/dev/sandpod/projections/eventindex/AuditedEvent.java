package dev.sandpod.projections.eventindex;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandpod.api.audit.EventHiddenEvent;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Revision;

/**
 * One stored event as the API shows it everywhere (audit streams, the event browser, exports, the users'
 * own queries): the contract's event shape — identity, wire type, version, time, aggregate, metadata — with
 * the payload's fields both flattened (as the contract's typed events carry them) and under {@code payload},
 * plus the aggregate's type and the event's sequence number, and who caused it.
 *
 * <p>Secrets never leave: a string field whose name says password, hash, token, secret or session, and a
 * delivery target (a webhook URL is a credential), are masked wherever they are nested.
 */
public final class AuditedEvent {

    /** Snake case for the API, ISO-8601 times; independent of the web's mapper settings. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private static final ObjectMapper FIELDS = JSON.copy()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

    public static final String MASK = "***";

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|hash|token|secret|session|target).*");
    /** An access token's id names it (as a user id names a user); it grants nothing and stays readable. */
    private static final Pattern NAMES_A_TOKEN = Pattern.compile("(?i)(access_?)?token_?id");

    /** Where the contract names an event differently than the class name would. */
    private static final Map<String, String> WIRE_NAMES = Map.of(
            "ExecutionTimedOutEvent", "execution_timeout",
            "ExecutionErroredEvent", "execution_error",
            "UserDetailsChangedEvent", "user_updated",
            "UserSettingsChangedEvent", "user_settings_updated",
            "NotificationDeliveryFailedEvent", "notification_failed");

    /** Types that count as errors in the statistics' error rate. */
    static final Set<String> ERROR_TYPES = Set.of(
            "execution_failed", "execution_timeout", "execution_error", "notification_failed", "user_login_failed");

    private static final String SERVICE_VERSION =
            AuditedEvent.class.getPackage().getImplementationVersion() == null
                    ? "dev"
                    : AuditedEvent.class.getPackage().getImplementationVersion();

    private AuditedEvent() {}

    /** The wire name of an event class: {@code ExecutionRequestedEvent} → {@code execution_requested}. */
    public static String typeOf(Class<?> type) {
        String simple = type.getSimpleName();
        String special = WIRE_NAMES.get(simple);
        if (special != null) {
            return special;
        }
        String base = simple.endsWith("Event") ? simple.substring(0, simple.length() - "Event".length()) : simple;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    public static String revisionOf(Class<?> type) {
        Revision revision = type.getAnnotation(Revision.class);
        return revision == null ? "1" : revision.value();
    }

    /** The payload as snake-case JSON fields, secrets masked. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> payload(Object payload) {
        Map<String, Object> fields = JSON.convertValue(payload, LinkedHashMap.class);
        return (Map<String, Object>) mask(fields);
    }

    /** The whole rendered event, as the API shows it: {@link #stored} with the payload's fields flattened. */
    public static Map<String, Object> render(EventMessage<?> message) {
        return flattened(stored(message));
    }

    /**
     * The event as the index keeps it: the payload once, under {@code payload}. The API's shape repeats the
     * payload's fields at the top and a run's outcome fields once more, which made a run's output three times
     * over in every index entry (an output flood's 1 MB stdout wrote 3 MB); {@link #parse} flattens it on the
     * way out, so a reader sees exactly what {@link #render} gives.
     */
    public static Map<String, Object> stored(EventMessage<?> message) {
        Object payload = message.getPayload();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", message.getIdentifier());
        event.put("event_type", typeOf(payload.getClass()));
        event.put("event_version", revisionOf(payload.getClass()));
        event.put("timestamp", message.getTimestamp().toString());
        if (message instanceof DomainEventMessage<?> domain) {
            event.put("aggregate_id", domain.getAggregateIdentifier());
            event.put("aggregate_type", domain.getType());
            event.put("sequence_number", domain.getSequenceNumber());
        } else {
            event.put("aggregate_id", null);
            event.put("aggregate_type", null);
            event.put("sequence_number", null);
        }
        event.put("metadata", metadata(message.getMetaData()));
        event.put("payload", payload(payload));
        return event;
    }

    /**
     * The API's shape of a stored event: the payload's fields also at the top (where the top does not have them
     * already), and a run's outcome fields too. Flattening a flattened event changes nothing.
     */
    static Map<String, Object> flattened(Map<String, Object> event) {
        if (event.get("payload") instanceof Map<?, ?> fields) {
            fields.forEach((key, value) -> event.putIfAbsent(String.valueOf(key), value));
            if (fields.get("outcome") instanceof Map<?, ?> outcome) {
                outcome.forEach((key, value) -> event.putIfAbsent(String.valueOf(key), value));
            }
        }
        return event;
    }

    /**
     * Who caused the event. Axon's {@code traceId} is the id of the first message of the chain (the request's
     * command): the correlation id; Axon's {@code correlationId} is the message that directly caused this one:
     * the causation id.
     */
    public static Map<String, Object> metadata(MetaData meta) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("service_name", "sandpod");
        metadata.put("service_version", SERVICE_VERSION);
        metadata.put("user_id", meta.get("userId"));
        metadata.put("client_ip", meta.get("clientIp"));
        if (meta.get("tokenId") != null) {
            metadata.put("token_id", meta.get("tokenId"));
        }
        metadata.put("request_id", meta.get("requestId"));
        metadata.put("correlation_id", meta.getOrDefault("traceId", meta.get("correlationId")));
        metadata.put("causation_id", meta.get("correlationId"));
        metadata.put("environment", "production");
        return metadata;
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An index entry's event ({@code eventJson}) in the API's shape; see {@link #stored}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String json) {
        try {
            return flattened(JSON.readValue(json, LinkedHashMap.class));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user an event names as the one it belongs to (its {@code userId}), if any. */
    public static String userNamedBy(Object payload) {
        RecordComponent[] components = payload.getClass().getRecordComponents();
        if (components == null || payload instanceof EventHiddenEvent) {
            return null;
        }
        for (RecordComponent component : components) {
            if (component.getName().equals("userId") && component.getType() == String.class) {
                try {
                    return (String) component.getAccessor().invoke(payload);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * An object's fields (not its getters) as snake-case JSON, secrets masked: how an aggregate's state is
     * shown, with every field it keeps and nothing it computes.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> fieldsOf(Object object) {
        return (Map<String, Object>) mask(FIELDS.convertValue(object, LinkedHashMap.class));
    }

    @SuppressWarnings("unchecked")
    private static Object mask(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> masked = new LinkedHashMap<>();
            ((Map<String, Object>) map)
                    .forEach((key, nested) -> masked.put(
                            key,
                            nested instanceof String
                                            && SECRET.matcher(key).matches()
                                            && !NAMES_A_TOKEN.matcher(key).matches()
                                    ? MASK
                                    : mask(nested)));
            return masked;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(AuditedEvent::mask).toList();
        }
        return value;
    }
}
