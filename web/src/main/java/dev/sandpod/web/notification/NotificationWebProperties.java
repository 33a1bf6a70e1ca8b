package dev.sandpod.web.notification;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param allowInsecureLocalhost accept {@code http://127.0.0.1}/{@code localhost} webhooks (tests and the
 *                               embedded profile); off unless set
 * @param grafanaSecret          the shared secret Grafana sends with its alerts; alert intake is closed
 *                               while it is unset
 */
@ConfigurationProperties("sandpod.notifications")
record NotificationWebProperties(boolean allowInsecureLocalhost, String grafanaSecret) {}
