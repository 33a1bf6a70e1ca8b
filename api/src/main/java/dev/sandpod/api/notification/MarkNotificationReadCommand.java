package dev.sandpod.api.notification;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record MarkNotificationReadCommand(
        @TargetAggregateIdentifier String notificationId, String userId) {}
