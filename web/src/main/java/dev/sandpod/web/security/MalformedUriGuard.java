package dev.sandpod.web.security;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Requests Spring never sees — a target that is no URI ({@code /a%ZZ}, a lone {@code %}), a request line or
 * headers beyond the server's limits — would get an empty 400/414/431 from the server itself. This guard
 * answers them first, in the Netty pipeline, as every other error is answered — JSON {@code {detail, type}}
 * with the hardening headers — and closes the connection (the rest of that request is not read).
 */
@Component
class MalformedUriGuard implements NettyServerCustomizer {

    private static final String NAME = "sandpod.malformedUriGuard";

    private final SecurityProperties properties;

    MalformedUriGuard(SecurityProperties properties) {
        this.properties = properties;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        // runs after Reactor Netty has set up the channel, so its HTTP codec is in place
        return server.doOnChannelInit((observer, channel, remote) -> {
            var pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new Handler());
            }
        });
    }

    private final class Handler extends ChannelInboundHandlerAdapter {

        private boolean discarding;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                FullHttpResponse refusal = refusal(request);
                discarding = refusal != null;
                if (discarding) {
                    ReferenceCountUtil.release(msg);
                    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            if (discarding) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        /** What to answer instead of handing the request on; null when it may go on. */
        private FullHttpResponse refusal(HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                if (cause instanceof TooLongHttpLineException) {
                    return answer(HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long", "UriTooLong");
                }
                if (cause instanceof TooLongHttpHeaderException) {
                    return answer(
                            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "Request headers too large",
                            "HeadersTooLarge");
                }
                return answer(HttpResponseStatus.BAD_REQUEST, "Malformed request", "BadRequest");
            }
            return valid(request.uri())
                    ? null
                    : answer(HttpResponseStatus.BAD_REQUEST, "Malformed request URI", "BadRequest");
        }

        private FullHttpResponse answer(HttpResponseStatus status, String detail, String type) {
            byte[] body =
                    ("{\"detail\":\"" + detail + "\",\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            var headers = response.headers();
            headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            headers.set(HttpHeaderNames.CONNECTION, "close");
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
            headers.set("Content-Security-Policy", properties.contentSecurityPolicy());
            return response;
        }
    }

    static boolean valid(String uri) {
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
