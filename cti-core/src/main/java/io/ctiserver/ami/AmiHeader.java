package io.ctiserver.ami;

/** One {@code Key: Value} line of an AMI message. */
public record AmiHeader(String key, String value) {
}
