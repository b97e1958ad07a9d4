package io.ctiserver.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A secret config key ({@code secret}, {@code password}, ...). Besides the inline value, the loader accepts
 * {@code <key>File} (a file holding the value) and the key's environment variable, so that a secret never has to
 * sit in the config file itself.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Secret {
}
