package dev.sandpod.api.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Removes an account: its sessions end, its name and email become free, its credentials are erased. */
public record DeleteUserCommand(@TargetAggregateIdentifier String userId) {}
