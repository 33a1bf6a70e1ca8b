package dev.sandpod.api.user;

/** Admin list: {@code search} matches username or email (case-insensitive substring); answers {@link UserPageView}. */
public record FindUsersQuery(String search, UserRole role, int limit, int offset) {}
