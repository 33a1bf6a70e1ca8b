package dev.sandpod.api.user;

import java.util.List;

public record UserPageView(List<UserView> users, long total, int offset, int limit) {}
