package dev.sandpod.web.apidocs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks what Sandpod serves beyond the reference contract that {@code docs/api/} keeps: an operation, a
 * field, or (with {@link #values}) values of an enumerated field. The API document carries it as
 * {@code x-sandpod-addition: true}, or {@code x-sandpod-added-values: [...]}, so a reader (and the
 * contract test) can tell the contract from its extensions.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Addition {

    /** Only these values of the field are additions (the field itself is in the contract). */
    String[] values() default {};
}
