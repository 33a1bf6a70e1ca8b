package dev.sandpod.web.error;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Failures inside controllers, answered through {@link ApiErrors}. */
@RestControllerAdvice
class ApiExceptionAdvice {

    /**
     * Once the response has started (a stream whose client went away, say) there is nothing left to answer:
     * the failure is passed on and the connection closed, instead of writing an error body over it.
     */
    @ExceptionHandler(Throwable.class)
    Mono<ResponseEntity<Map<String, Object>>> handle(Throwable error, ServerWebExchange exchange) {
        if (exchange.getResponse().isCommitted() || ApiErrors.isClientGone(error)) {
            return Mono.error(error);
        }
        ApiErrors.Answer answer = ApiErrors.of(error);
        return Mono.just(ResponseEntity.status(answer.status())
                .contentType(MediaType.APPLICATION_JSON)
                .body(answer.body()));
    }
}
