package dev.sandpod.command.ratelimit;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.ratelimit.ResetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.SetUserRateLimitsCommand;
import dev.sandpod.api.ratelimit.UserRateLimitsResetEvent;
import dev.sandpod.api.ratelimit.UserRateLimitsSetEvent;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One user's rate-limit overrides. They are settings, so every change is an event and they hold
 * until an admin changes or resets them — unlike the reference system, where they expired after minutes.
 * {@code version} counts the changes, so a reader can tell whether its copy is current.
 */
@Aggregate
class UserRateLimitOverrides {

    @AggregateIdentifier
    private String overridesId;

    private boolean present;
    private long version;

    UserRateLimitOverrides() {
        // for Axon
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(SetUserRateLimitsCommand command) {
        apply(new UserRateLimitsSetEvent(
                command.overridesId(),
                command.userId(),
                command.bypassRateLimit(),
                command.globalMultiplier(),
                List.copyOf(command.rules()),
                command.notes(),
                version + 1));
        return version;
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(ResetUserRateLimitsCommand command) {
        if (present || overridesId == null) {
            apply(new UserRateLimitsResetEvent(command.overridesId(), command.userId(), version + 1));
        }
        return version;
    }

    @EventSourcingHandler
    void on(UserRateLimitsSetEvent event) {
        overridesId = event.overridesId();
        present = true;
        version = event.version();
    }

    @EventSourcingHandler
    void on(UserRateLimitsResetEvent event) {
        overridesId = event.overridesId();
        present = false;
        version = event.version();
    }
}
