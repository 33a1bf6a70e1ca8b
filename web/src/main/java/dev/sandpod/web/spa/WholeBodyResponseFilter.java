package dev.sandpod.web.spa;

import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A response whose length is known up front and whose body comes as a stream of buffers — the SPA's files,
 * read from the jar in 8 KB pieces — is written as one buffer, so the server finishes the exchange in the
 * same write that sends its last byte.
 *
 * <p>Why: written piece by piece, the body's last byte reaches the browser before the server has seen the
 * end of the stream and closed the exchange. A browser reuses the keep-alive connection at once, so its
 * next request arrives while the previous exchange is still open and takes Reactor Netty's pipelining path.
 * On a loaded machine, the Reactor Netty of this Spring Boot (1.2.11) sometimes never answered such a
 * request (known keep-alive races there, reactor/reactor-netty#4188 and #4347): a page load that hung on
 * one script or one API call until the browser gave up. Written whole, the response goes out as one
 * complete HTTP message and the connection is free again before the browser can send anything more.
 *
 * <p>Streams (server-sent events, which are written with {@code writeAndFlushWith}), bodies of unknown
 * length (chunked: their end is only sent once the stream ends, so they have no such gap) and single
 * buffers are left as they are; so are bodies above {@link #MAX_WHOLE_BYTES}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class WholeBodyResponseFilter implements WebFilter {

    /** Larger bodies keep streaming: nothing the app serves from the jar comes close. */
    static final long MAX_WHOLE_BYTES = 16L * 1024 * 1024;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange.mutate()
                .response(new WholeBody(exchange.getResponse()))
                .build());
    }

    static final class WholeBody extends ServerHttpResponseDecorator {

        WholeBody(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            long length = getHeaders().getContentLength();
            if (body instanceof Mono || length <= 0 || length > MAX_WHOLE_BYTES) {
                return super.writeWith(body);
            }
            return super.writeWith(DataBufferUtils.join(body));
        }
    }
}
