package dev.sandpod.app.security;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Every operation the running application serves, as {@code "METHOD /pattern"}: annotated controllers and
 * actuator endpoints (every {@link RequestMappingInfoHandlerMapping}) and functional routes (as
 * {@code "ROUTE <predicate>"}). A mapping without a method restriction is {@code "ANY /pattern"}.
 */
final class Routes {

    private Routes() {}

    static Set<String> of(ApplicationContext context) {
        Set<String> operations = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping :
                context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            mapping.getHandlerMethods().forEach((info, method) -> {
                var methods = info.getMethodsCondition().getMethods();
                for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                    if (methods.isEmpty()) {
                        operations.add("ANY " + pattern.getPatternString());
                    } else {
                        methods.forEach(m -> operations.add(m.name() + " " + pattern.getPatternString()));
                    }
                }
            });
        }
        for (RouterFunctionMapping mapping :
                context.getBeansOfType(RouterFunctionMapping.class).values()) {
            RouterFunction<?> routes = mapping.getRouterFunction();
            if (routes != null) {
                routes.accept(new RouterFunctions.Visitor() {
                    @Override
                    public void startNested(RequestPredicate predicate) {}

                    @Override
                    public void endNested(RequestPredicate predicate) {}

                    @Override
                    public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
                        operations.add("ROUTE " + predicate);
                    }

                    @Override
                    public void resources(
                            java.util.function.Function<
                                            org.springframework.web.reactive.function.server.ServerRequest,
                                            reactor.core.publisher.Mono<org.springframework.core.io.Resource>>
                                    lookupFunction) {
                        operations.add("RESOURCES " + lookupFunction);
                    }

                    @Override
                    public void attributes(java.util.Map<String, Object> attributes) {}

                    @Override
                    public void unknown(RouterFunction<?> routerFunction) {
                        operations.add("UNKNOWN " + routerFunction);
                    }
                });
            }
        }
        return operations;
    }
}
