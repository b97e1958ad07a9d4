/**
 * Annotations that a config record puts on its components so that the server's start-up check
 * ({@code io.ctiserver.server.config.ConfigValidator}) can say precisely what is wrong with a value. They carry no
 * behaviour of their own: Jackson ignores them, and a record binds the same with or without them.
 */
package io.ctiserver.config;
