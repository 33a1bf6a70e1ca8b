package dev.sandpod.app.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param jwtSecret      HMAC key for session tokens and CSRF tokens; at least 32 bytes. Only the embedded
 *                       profile ships a default, and any other profile refuses to start with it.
 * @param sessionTimeout lifetime of a session cookie
 * @param secureCookies  mark cookies Secure (set when served over TLS, directly or behind a proxy)
 */
@ConfigurationProperties("sandpod.security")
public record SecurityProperties(
        String jwtSecret,
        @DefaultValue("60m") Duration sessionTimeout,
        @DefaultValue("false") boolean secureCookies) {
}
