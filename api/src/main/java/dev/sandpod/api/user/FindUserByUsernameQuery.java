package dev.sandpod.api.user;

public record FindUserByUsernameQuery(String username) {}
