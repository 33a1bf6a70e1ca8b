package dev.sandpod.web.spa;

import dev.sandpod.web.apidocs.ApiDocs;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Client-side routes ({@code /editor}, {@code /login}, …) are served the SPA's {@code index.html} (the SPA
 * shows its own "Page not found" for a path it does not know); files (anything with an extension), the
 * server's own trees {@code /api/…} and {@code /actuator/…}, and methods other than GET and HEAD are left
 * alone, as is the API description ({@code /docs}, {@code /openapi.json}), so an unknown one gets the JSON
 * 404 {@code {detail, type: "NotFound"}} of every other 404.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SpaFallbackFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (!HttpMethod.GET.equals(request.getMethod()) && !HttpMethod.HEAD.equals(request.getMethod())) {
            return chain.filter(exchange);
        }
        if (serverTree(path, "/api") || serverTree(path, "/actuator") || ApiDocs.serves(path)) {
            return chain.filter(exchange);
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (last.contains(".")) {
            return chain.filter(exchange);
        }
        var rewritten = request.mutate().path("/index.html").build();
        return chain.filter(exchange.mutate().request(rewritten).build());
    }

    /** {@code /api} and {@code /api/…}, but not {@code /apiary}: that is a page name like any other. */
    static boolean serverTree(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }
}
