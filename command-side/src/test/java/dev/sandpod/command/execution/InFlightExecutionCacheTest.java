package dev.sandpod.command.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandpod.api.execution.CancelExecutionCommand;
import dev.sandpod.api.execution.ExecutionLimits;
import dev.sandpod.api.execution.ExecutionStatus;
import dev.sandpod.api.execution.MarkExecutionStartedCommand;
import dev.sandpod.api.execution.RecordExecutionOutcomeCommand;
import dev.sandpod.api.execution.ScheduleExecutionCommand;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.Test;

/** Which executions an instance keeps in memory between commands: only those whose next report it expects. */
class InFlightExecutionCacheTest {

    private static final String ID = "exec-1";
    private static final ExecutionLimits LIMITS = new ExecutionLimits(10, 128L << 20, 1000, 64, 1 << 20, 10L << 20);

    private final InFlightExecutionCache cache = new InFlightExecutionCache();
    private final Object copy = new Object();

    private void storedAfter(Object command) {
        DefaultUnitOfWork.startAndGet(GenericCommandMessage.asCommandMessage(command))
                .execute(() -> cache.put(ID, copy));
    }

    @Test
    void aScheduledExecutionIsKeptForItsStartReport() {
        storedAfter(new ScheduleExecutionCommand(ID, LIMITS));

        assertThat(cache.<String, Object>get(ID)).isSameAs(copy);
    }

    @Test
    void aStartedExecutionIsKeptForItsEndReport() {
        storedAfter(new MarkExecutionStartedCommand(ID, "runner-1"));

        assertThat(cache.<String, Object>get(ID)).isSameAs(copy);
    }

    @Test
    void anEndedExecutionIsDropped() {
        storedAfter(new MarkExecutionStartedCommand(ID, "runner-1"));

        storedAfter(new RecordExecutionOutcomeCommand(ID, ExecutionStatus.COMPLETED, null));

        assertThat(cache.containsKey(ID)).isFalse();
    }

    @Test
    void aCommandFromTheApiDropsTheCopyInsteadOfKeepingIt() {
        storedAfter(new ScheduleExecutionCommand(ID, LIMITS));

        storedAfter(new CancelExecutionCommand(ID, "user-1", null));

        assertThat(cache.containsKey(ID)).isFalse();
    }

    @Test
    void nothingIsKeptOutsideACommand() {
        cache.put(ID, copy);

        assertThat(cache.containsKey(ID)).isFalse();
    }
}
