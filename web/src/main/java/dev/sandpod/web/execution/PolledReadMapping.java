package dev.sandpod.web.execution;

import java.util.Set;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Finds the handler of the reads that clients poll before the annotated controllers' mapping does, so a poll does not
 * test its path against every route the API has.
 *
 * <p>Spring looks a path with a variable ({@code /executions/{executionId}/result}) up by matching it against each of
 * the ~180 mappings in turn: a twelfth of a {@code GET …/result} (issue 21, reads; docs/architecture.md). This
 * mapping holds only the routes in {@link #POLLED}, copied from the main mapping once it is built: the same mapping
 * info and the same handler method, so the conditions, the path variables, the best-matching pattern (metrics, traces)
 * and the handler's answer are those of the main mapping. It looks only at {@code GET} and {@code HEAD} (not a CORS
 * pre-flight), and a request it does not match exactly goes on to the main mapping, which answers it as before
 * (including 404 and 405).
 */
@Component
class PolledReadMapping implements HandlerMapping, Ordered, SmartInitializingSingleton {

    /** The patterns, as the main mapping spells them. */
    static final Set<String> POLLED = Set.of("/api/v1/executions/{executionId}/result");

    private final ApplicationContext context;
    private final Lookup lookup = new Lookup();

    PolledReadMapping(ApplicationContext context) {
        this.context = context;
    }

    /** Only what it registers: no scan for controllers, and no answer (404, 405, ...) of its own. */
    private static final class Lookup extends RequestMappingHandlerMapping {
        @Override
        protected boolean isHandler(Class<?> beanType) {
            return false;
        }

        @Override
        protected HandlerMethod handleNoMatch(Set<RequestMappingInfo> infos, ServerWebExchange exchange) {
            return null;
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        RequestMappingHandlerMapping main =
                context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        lookup.setApplicationContext(context);
        main.getHandlerMethods().forEach((info, method) -> {
            if (info.getPatternsCondition().getPatterns().stream()
                    .anyMatch(pattern -> POLLED.contains(pattern.getPatternString()))) {
                lookup.registerMapping(info, method.getBean(), method.getMethod());
            }
        });
    }

    /** How many routes it holds (a test checks that the polled ones were found). */
    int size() {
        return lookup.getHandlerMethods().size();
    }

    @Override
    public Mono<Object> getHandler(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        if ((!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method))
                || CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return Mono.empty();
        }
        return lookup.getHandler(exchange);
    }

    /** Before the router functions and the annotated controllers' mapping. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
