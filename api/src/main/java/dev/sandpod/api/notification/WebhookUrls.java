package dev.sandpod.api.notification;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rules for where notifications may be sent: webhooks over https only, Slack only to
 * {@code https://hooks.slack.com/...}. Plain http is accepted for the local machine alone, and only where
 * the operator allowed it (tests and the embedded profile), never by default.
 */
public final class WebhookUrls {

    public static final String SLACK_PREFIX = "https://hooks.slack.com/";
    public static final int MAX_LENGTH = 2048;
    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private WebhookUrls() {}

    /** Empty when {@code url} is an acceptable target for {@code channel}; otherwise why not. */
    public static Optional<String> problem(NotificationChannel channel, String url, boolean allowInsecureLocalhost) {
        if (url == null || url.isBlank()) {
            return Optional.of("A URL is required");
        }
        if (url.length() > MAX_LENGTH) {
            return Optional.of("The URL must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Optional.of("Not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || host.isBlank() || !uri.isAbsolute() || uri.getRawUserInfo() != null) {
            return Optional.of("Not a valid URL");
        }
        if (channel == NotificationChannel.SLACK) {
            return url.trim().startsWith(SLACK_PREFIX) && "https".equals(scheme) && uri.getPort() == -1
                    ? Optional.empty()
                    : Optional.of("slack_webhook must start with " + SLACK_PREFIX);
        }
        if ("https".equals(scheme)) {
            return Optional.empty();
        }
        if ("http".equals(scheme) && allowInsecureLocalhost && isLocal(host)) {
            return Optional.empty();
        }
        return Optional.of("webhook_url must use https");
    }

    public static boolean isLocal(String host) {
        return host != null && LOCAL_HOSTS.contains(host.toLowerCase(Locale.ROOT));
    }
}
