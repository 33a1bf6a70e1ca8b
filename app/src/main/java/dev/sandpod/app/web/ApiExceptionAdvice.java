package dev.sandpod.app.web;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Failures inside controllers, answered through {@link ApiErrors}. */
@RestControllerAdvice
class ApiExceptionAdvice {

    @ExceptionHandler(Throwable.class)
    ResponseEntity<Map<String, Object>> handle(Throwable error) {
        ApiErrors.Answer answer = ApiErrors.of(error);
        return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }
}
