package dev.sandpod.eventstore;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import java.time.Duration;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;

/** Schedules one deadline and reports when it fires; saga state is Jackson-serialized by field. */
@Saga
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public class DeadlineProbeSaga {

    static final String DEADLINE = "probe-deadline";
    static final Duration DELAY = Duration.ofSeconds(5);

    private String probeId;

    @StartSaga
    @SagaEventHandler(associationProperty = "probeId")
    void on(ProbeStartedEvent event, DeadlineManager deadlineManager) {
        probeId = event.probeId();
        deadlineManager.schedule(DELAY, DEADLINE, new ProbeDeadline(probeId));
    }

    @DeadlineHandler(deadlineName = DEADLINE)
    void on(ProbeDeadline deadline, FiredDeadlines fired) {
        fired.record(probeId, deadline);
        SagaLifecycle.end();
    }

    record ProbeStartedEvent(String probeId) {}

    record ProbeDeadline(String probeId) {}
}
