package io.ctiserver.server.ami.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * First values (event names, "Success", action names) come from a small vocabulary: one String each, with its
 * hash code computed once, instead of a new String per message for the consumer's switch to hash again.
 */
final class ValueCache {
    static final int MAX_LENGTH = 48;
    private final String[] strings = new String[256];
    private final byte[][] bytes = new byte[256][];

    String intern(byte[] a, int start, int length) {
        if (length > MAX_LENGTH) {
            // Latin-1 of ASCII bytes is the cheapest String construction there is: a plain copy.
            return new String(a, start, length, StandardCharsets.ISO_8859_1);
        }
        int hash = 0;
        for (int i = start, end = start + length; i < end; i++) {
            hash = 31 * hash + a[i];
        }
        int slot = (hash ^ (hash >>> 8)) & (strings.length - 1);
        byte[] cached = bytes[slot];
        if (cached != null && KeyCache.equal(cached, a, start, length)) {
            return strings[slot];
        }
        String value = new String(a, start, length, StandardCharsets.ISO_8859_1);
        bytes[slot] = Arrays.copyOfRange(a, start, start + length);
        strings[slot] = value;
        return value;
    }
}
