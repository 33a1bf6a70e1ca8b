package dev.sandpod.app.observability;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.MDC;

/**
 * Puts the message's correlation id and, when its payload names one, the execution id into the logging context
 * while a command, event or saga handler runs, so that every log line of that work can be found by either.
 * (Trace and span ids are put there by Micrometer Tracing.)
 */
final class LogContextInterceptor implements MessageHandlerInterceptor<Message<?>> {

    static final String CORRELATION_ID = "correlation_id";
    static final String EXECUTION_ID = "execution_id";

    private static final Map<Class<?>, Optional<Method>> EXECUTION_ID_ACCESSORS = new ConcurrentHashMap<>();

    @Override
    public Object handle(UnitOfWork<? extends Message<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Message<?> message = unitOfWork.getMessage();
        String previousCorrelation = MDC.get(CORRELATION_ID);
        String previousExecution = MDC.get(EXECUTION_ID);
        Object correlation = message.getMetaData().get("correlationId");
        put(CORRELATION_ID, correlation == null ? message.getIdentifier() : correlation.toString());
        String executionId = executionId(message.getPayload());
        if (executionId != null) {
            MDC.put(EXECUTION_ID, executionId);
        }
        try {
            return chain.proceed();
        } finally {
            put(CORRELATION_ID, previousCorrelation);
            put(EXECUTION_ID, previousExecution);
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    static String executionId(Object payload) {
        if (payload == null) {
            return null;
        }
        Optional<Method> accessor = EXECUTION_ID_ACCESSORS.computeIfAbsent(payload.getClass(), type -> {
            try {
                Method method = type.getMethod("executionId");
                return method.getReturnType() == String.class ? Optional.of(method) : Optional.empty();
            } catch (NoSuchMethodException e) {
                return Optional.empty();
            }
        });
        if (accessor.isEmpty()) {
            return null;
        }
        try {
            return (String) accessor.get().invoke(payload);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
