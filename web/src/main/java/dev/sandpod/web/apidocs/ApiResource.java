package dev.sandpod.web.apidocs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The resource part of a controller's operation ids ({@code <resource>_<method>}) when it is not the controller's
 * own name: a resource split over several controllers keeps one set of ids.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ApiResource {
    String value();
}
