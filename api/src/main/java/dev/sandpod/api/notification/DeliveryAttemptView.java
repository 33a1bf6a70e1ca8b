package dev.sandpod.api.notification;

import java.time.Instant;

public record DeliveryAttemptView(int attempt, Instant at, DeliveryOutcome outcome, Integer statusCode, String error) {}
