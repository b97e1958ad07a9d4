package io.ctiserver.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A config key naming a file the server reads at start-up; the start-up check reports a file that does not exist.
 * {@code classpath:NAME} names a resource bundled in the jar.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface InputFile {
}
