package dev.sandpod.web.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Failures outside controllers (no route, wrong method, a filter's error): the same JSON answers as
 * {@link ApiExceptionAdvice}, ahead of Boot's default handler which would render HTML or a stack trace.
 */
@Component
@Order(-2)
class ApiErrorWebExceptionHandler implements ErrorWebExceptionHandler {

    private final ObjectMapper json;

    ApiErrorWebExceptionHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted() || ApiErrors.isClientGone(error)) {
            return Mono.error(error);
        }
        ApiErrors.Answer answer = ApiErrors.of(error);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(answer.body());
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        var response = exchange.getResponse();
        response.setStatusCode(answer.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        // Known up front, so a HEAD gets the same Content-Length as the GET it stands for.
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
