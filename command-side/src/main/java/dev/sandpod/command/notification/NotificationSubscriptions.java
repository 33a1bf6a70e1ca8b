package dev.sandpod.command.notification;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.sandpod.api.notification.ChannelSubscription;
import dev.sandpod.api.notification.NotificationChannel;
import dev.sandpod.api.notification.NotificationSubscriptionUpdatedEvent;
import dev.sandpod.api.notification.UpdateNotificationSubscriptionCommand;
import java.util.EnumMap;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

/** A user's channel subscriptions; a channel never set has the defaults of {@link ChannelSubscription}. */
@Aggregate
class NotificationSubscriptions {

    @AggregateIdentifier
    private String subscriptionsId;

    private final Map<NotificationChannel, ChannelSubscription> channels = new EnumMap<>(NotificationChannel.class);
    private long revision = -1;

    NotificationSubscriptions() {
        // for Axon
    }

    /** Answers the revision after the change; setting a channel for the first time is recorded even unchanged. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    long handle(UpdateNotificationSubscriptionCommand command) {
        ChannelSubscription previous = channels.get(command.channel());
        if (previous == null || !previous.equals(command.subscription())) {
            apply(new NotificationSubscriptionUpdatedEvent(
                    command.subscriptionsId(),
                    command.userId(),
                    command.channel(),
                    previous == null ? ChannelSubscription.defaults(command.channel()) : previous,
                    command.subscription()));
        }
        return revision;
    }

    @EventSourcingHandler
    void on(NotificationSubscriptionUpdatedEvent event, @SequenceNumber long sequence) {
        subscriptionsId = event.subscriptionsId();
        channels.put(event.channel(), event.subscription());
        revision = sequence;
    }
}
