package dev.sandpod.app.observability;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.queryhandling.QueryBus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LogContextConfiguration {

    private final LogContextInterceptor interceptor = new LogContextInterceptor();

    @Autowired
    void onEventHandlers(EventProcessingConfigurer processing) {
        processing.registerDefaultHandlerInterceptor((configuration, name) -> interceptor);
    }

    @Autowired
    void onCommandHandlers(CommandBus commands) {
        commands.registerHandlerInterceptor(interceptor);
    }

    @Autowired
    void onQueryHandlers(QueryBus queries) {
        queries.registerHandlerInterceptor(interceptor);
    }
}
