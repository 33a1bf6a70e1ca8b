package dev.sandpod.web.security;

import dev.sandpod.api.error.ErrorCode;
import dev.sandpod.api.error.SandpodException;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request bodies above {@code sandpod.security.max-request-body} (10 MB) get 413 before they are read: at
 * once when {@code Content-Length} says so, else as soon as the streamed body passes the limit (the bytes
 * read so far are released, never collected).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestSizeFilter implements WebFilter {

    private final long limit;

    RequestSizeFilter(SecurityProperties properties) {
        this.limit = properties.maxRequestBody().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > limit) {
            return Mono.error(tooLarge());
        }
        AtomicLong seen = new AtomicLong();
        var request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge());
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(request).build());
    }

    private SandpodException tooLarge() {
        return new SandpodException(
                ErrorCode.PAYLOAD_TOO_LARGE, "Request body too large: at most " + limit / (1024 * 1024) + " MB");
    }
}
