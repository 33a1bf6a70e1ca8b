package dev.sandpod.api.user;

public record FindUserQuery(String userId) {}
