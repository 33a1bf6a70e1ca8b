package dev.sandpod.web.ratelimit;

/**
 * The answer of a counter: whether the request may pass, the limit, what is left, when the counter is back
 * to full ({@code resetAtMillis}) and, when refused, how long until one more request may pass.
 */
public record Decision(boolean allowed, int limit, int remaining, long resetAtMillis, long retryAfterMillis) {}
