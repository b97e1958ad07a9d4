package io.ctiserver.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default of a key in words, for a default that depends on the machine (e.g. "one per core") and so cannot be
 * printed as a value in the configuration reference.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface DefaultIs {
    String value();
}
