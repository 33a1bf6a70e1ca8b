package dev.sandpod.web.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.http.HttpHeaders;

/**
 * The shared secret a metrics scraper sends as {@code Authorization: Bearer <token>}
 * ({@code SANDPOD_METRICS_SCRAPE_TOKEN}). Only its SHA-256 is kept, and a presented token is compared by
 * digest in constant time, so neither the comparison's duration nor a heap dump gives the token away; it
 * is never logged.
 */
final class ScrapeToken {

    /** Shorter tokens are refused at start: a scrape token is a password that nobody has to type. */
    static final int MIN_LENGTH = 16;

    private final byte[] digest;

    ScrapeToken(String token) {
        this.digest = token == null || token.isBlank() ? null : sha256(token);
    }

    boolean configured() {
        return digest != null;
    }

    boolean matches(String presented) {
        return digest != null && presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The credentials of {@code Authorization: Bearer …}, or null when the request has none. */
    static String bearerOf(HttpHeaders headers) {
        String value = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (value == null || value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = value.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
