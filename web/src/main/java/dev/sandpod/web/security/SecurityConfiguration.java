package dev.sandpod.web.security;

import java.util.Arrays;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration implements InitializingBean {

    /** The embedded profile's development key; any other profile must bring its own. */
    static final String EMBEDDED_DEFAULT_SECRET_MARKER = "embedded-development-only";

    private final Environment environment;
    private final SecurityProperties properties;

    SecurityConfiguration(Environment environment, SecurityProperties properties) {
        this.environment = environment;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        boolean embedded = Arrays.asList(environment.getActiveProfiles()).contains("embedded")
                || (environment.getActiveProfiles().length == 0
                        && Arrays.asList(environment.getDefaultProfiles()).contains("embedded"));
        String secret = properties.jwtSecret();
        if (!embedded && (secret == null || secret.contains(EMBEDDED_DEFAULT_SECRET_MARKER))) {
            throw new IllegalStateException(
                    "Refusing to start: set SANDPOD_JWT_SECRET; the default secret is for the embedded profile only");
        }
        String scrapeToken = properties.metricsScrapeToken();
        if (scrapeToken != null && scrapeToken.length() < ScrapeToken.MIN_LENGTH) {
            throw new IllegalStateException("Refusing to start: SANDPOD_METRICS_SCRAPE_TOKEN is shorter than "
                    + ScrapeToken.MIN_LENGTH + " characters; use a long random one (e.g. openssl rand -hex 24)");
        }
    }
}
