package dev.sandpod.web.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param jwtSecret             HMAC key for session tokens and CSRF tokens; at least 32 bytes. Only the embedded
 *                              profile ships a default, and any other profile refuses to start with it.
 * @param sessionTimeout        lifetime of a session until the system settings are read (they hold
 *                              {@code session_timeout_minutes}, which wins from then on)
 * @param secureCookies         mark cookies Secure (set when served over TLS, directly or behind a proxy)
 * @param trustedProxies        addresses or CIDR ranges of reverse proxies whose {@code X-Forwarded-For} and
 *                              {@code X-Forwarded-Proto} are believed; empty = none
 * @param corsAllowedOrigins    origins (scheme://host[:port]) allowed to call the API from a browser with
 *                              credentials; empty = same origin only
 * @param maxRequestBody        larger request bodies are refused with 413 before they are read
 * @param contentSecurityPolicy the CSP of every response; the SPA runs under the default (no inline or
 *                              foreign scripts; inline styles are allowed for the code editor's
 *                              dynamic styles)
 * @param hstsMaxAge            {@code Strict-Transport-Security} max-age on responses served over TLS
 * @param publicActuator        actuator endpoints open without a session (health, for probes); any other one
 *                              needs an admin session, or for the metrics ones the scrape token
 * @param metricsScrapeToken    when set, {@code Authorization: Bearer <it>} reads {@code /actuator/prometheus}
 *                              and {@code /actuator/metrics} without a session (a metrics scraper); at least
 *                              16 characters; never logged
 */
@ConfigurationProperties("sandpod.security")
public record SecurityProperties(
        String jwtSecret,
        @DefaultValue("60m") Duration sessionTimeout,
        @DefaultValue("false") boolean secureCookies,
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("") List<String> corsAllowedOrigins,
        @DefaultValue("10MB") DataSize maxRequestBody,
        @DefaultValue(DEFAULT_CSP) String contentSecurityPolicy,
        @DefaultValue("365d") Duration hstsMaxAge,
        @DefaultValue("health") List<String> publicActuator,
        String metricsScrapeToken) {

    static final String DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public SecurityProperties {
        trustedProxies = trustedProxies == null
                ? List.of()
                : trustedProxies.stream().filter(s -> !s.isBlank()).toList();
        corsAllowedOrigins = corsAllowedOrigins == null
                ? List.of()
                : corsAllowedOrigins.stream().filter(s -> !s.isBlank()).toList();
        publicActuator = publicActuator == null ? List.of() : publicActuator;
        metricsScrapeToken = metricsScrapeToken == null || metricsScrapeToken.isBlank() ? null : metricsScrapeToken;
    }

    /** Not the token itself: a record's toString would otherwise print it wherever the properties are logged. */
    @Override
    public String toString() {
        return "SecurityProperties[sessionTimeout=" + sessionTimeout + ", secureCookies=" + secureCookies
                + ", trustedProxies=" + trustedProxies + ", corsAllowedOrigins=" + corsAllowedOrigins
                + ", maxRequestBody=" + maxRequestBody + ", publicActuator=" + publicActuator
                + ", metricsScrapeToken=" + (metricsScrapeToken == null ? "unset" : "set") + "]";
    }
}
