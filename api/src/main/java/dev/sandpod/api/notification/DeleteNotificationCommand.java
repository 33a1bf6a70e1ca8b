package dev.sandpod.api.notification;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record DeleteNotificationCommand(
        @TargetAggregateIdentifier String notificationId, String userId) {}
