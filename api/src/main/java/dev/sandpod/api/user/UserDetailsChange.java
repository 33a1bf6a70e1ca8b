package dev.sandpod.api.user;

/** The answer to {@link ChangeUserDetailsCommand}: the values before the change and the session version after it. */
public record UserDetailsChange(String previousUsername, String previousEmail, long tokenVersion) {}
