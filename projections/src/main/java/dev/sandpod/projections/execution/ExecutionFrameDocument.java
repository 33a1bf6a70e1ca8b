package dev.sandpod.projections.execution;

import dev.sandpod.api.execution.ExecutionStatus;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.CompoundIndex;
import org.springframework.data.mongodb.core.mapping.Document;

/** One lifecycle event of one execution as the stream and the event list show it. */
@Document(ExecutionFrameDocument.COLLECTION)
@CompoundIndex(name = "execution_sequence", def = "{'executionId': 1, 'sequence': 1}", unique = true)
public class ExecutionFrameDocument {

    public static final String COLLECTION = "execution_frames";

    /** The stored event's identifier. */
    @Id
    public String eventId;

    public String executionId;
    public long sequence;
    public String eventType;
    public Instant timestamp;
    public ExecutionStatus status;
}
