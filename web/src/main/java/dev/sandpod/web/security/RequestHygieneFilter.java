package dev.sandpod.web.security;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import dev.sandpod.web.error.ApiErrors;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guarantees of the API ("errors are JSON {detail, type}", "never a 500 for bad input") that no single
 * handler can give:
 * <ul>
 * <li>a NUL in the URL is refused with 400 up front;</li>
 * <li>an {@code Accept} header that is not a media type list is dropped (treated as absent) — left in, it
 * fails the rendering of the very error that answers the request, which then goes out without a body;</li>
 * <li>an error status completed without a body (actuator's 404s, bare {@code setComplete()}) gets one.</li>
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 4)
class RequestHygieneFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String rawPath = exchange.getRequest().getURI().getRawPath();
        String rawQuery = exchange.getRequest().getURI().getRawQuery();
        if (hasNul(rawPath) || hasNul(rawQuery)) {
            // no name, id or search term holds a NUL, and the store cannot take one in a pattern
            return Mono.error(new SandpodException(ErrorCode.BAD_REQUEST, "NUL characters are not allowed in URLs"));
        }
        ServerWebExchange cleaned = exchange;
        String accept = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ACCEPT);
        if (accept != null && !parses(exchange)) {
            var request = exchange.getRequest()
                    .mutate()
                    .headers(h -> h.remove(HttpHeaders.ACCEPT))
                    .build();
            cleaned = exchange.mutate().request(request).build();
        }
        boolean head = HttpMethod.HEAD.equals(exchange.getRequest().getMethod());
        return chain.filter(cleaned.mutate()
                .response(new ErrorBodyResponse(cleaned.getResponse(), head))
                .build());
    }

    private static boolean hasNul(String raw) {
        return raw != null && (raw.contains("%00") || raw.indexOf('\0') >= 0);
    }

    private static boolean parses(ServerWebExchange exchange) {
        try {
            MediaType.parseMediaTypes(exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Fills in {@code {detail, type}} when an error response would otherwise complete empty. */
    private static final class ErrorBodyResponse extends ServerHttpResponseDecorator {

        private final boolean head;
        private final AtomicBoolean written = new AtomicBoolean();

        ErrorBodyResponse(ServerHttpResponse delegate, boolean head) {
            super(delegate);
            this.head = head;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            written.set(true);
            return super.writeWith(body);
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            written.set(true);
            return super.writeAndFlushWith(body);
        }

        @Override
        public Mono<Void> setComplete() {
            HttpStatusCode status = getStatusCode();
            if (head || written.get() || isCommitted() || status == null || !status.isError()) {
                return super.setComplete();
            }
            HttpStatus known = HttpStatus.resolve(status.value());
            String detail = known == null ? "Request failed" : known.getReasonPhrase();
            String type = ApiErrors.typeOf(status);
            byte[] json =
                    ("{\"detail\":\"" + detail + "\",\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8);
            getHeaders().setContentType(MediaType.APPLICATION_JSON);
            getHeaders().setContentLength(json.length);
            return super.writeWith(Mono.just(bufferFactory().wrap(json)));
        }
    }
}
