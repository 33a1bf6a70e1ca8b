package dev.sandpod.query.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A replay session as stored (collection {@code replay_sessions}): its configuration, status, counters and the
 * position of the last event handled, so that a restart or another instance can resume it where it stopped.
 */
@Document(ReplaySessionDocument.COLLECTION)
public class ReplaySessionDocument {

    public static final String COLLECTION = "replay_sessions";

    @Id
    public String sessionId;

    public String replayType;
    public String target;

    // the filter
    public List<String> eventIds;
    public String executionId;
    public String aggregateId;
    public List<String> eventTypes;
    public List<String> excludeEventTypes;
    public Instant startTime;
    public Instant endTime;
    public String userId;
    public String serviceName;

    public double speedMultiplier = 1.0;
    public boolean preserveTimestamps;
    public int batchSize = 100;
    public Integer maxEvents;
    public boolean skipErrors = true;
    /** The file name (no directory) of a file target, under the replay directory. */
    public String targetFilePath;
    /** Kafka topic routes: event type (or {@code *} for every other type) to topic. */
    public List<TopicRoute> targetTopics;

    public boolean retryFailed;
    public int retryAttempts = 3;
    public boolean enableProgressTracking = true;

    @Indexed
    public String status;

    public long totalEvents;
    public long replayedEvents;
    public long failedEvents;
    public long skippedEvents;

    @Indexed
    public Instant createdAt;

    public Instant startedAt;
    public Instant completedAt;
    /** The original time of the last event handled. */
    public Instant lastEventAt;

    public List<ReplayErrorEntry> errors = new ArrayList<>();

    /** Who created it. */
    public String createdBy;

    // where the worker stopped: the last event handled, in the replay order (timestamp, sequence, id)
    public Instant positionTimestamp;
    public Long positionSequence;
    public String positionEventId;

    /** Incremented by every start, pause, resume and cancel: a worker of an older generation stops. */
    public long generation;
    /** When the worker last recorded progress; a running session whose worker went silent is paused. */
    public Instant heartbeat;

    public record TopicRoute(String eventType, String topic) {}

    public record ReplayErrorEntry(Instant timestamp, String error, String errorType, String eventId) {}

    public long processed() {
        return replayedEvents + failedEvents + skippedEvents;
    }
}
