package dev.sandpod.command.execution;

import org.axonframework.common.caching.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ExecutionCacheConfiguration {

    /** The executions in flight on this instance, between their commands ({@link InFlightExecutionCache}). */
    @Bean
    Cache executionCache() {
        return new InFlightExecutionCache();
    }
}
