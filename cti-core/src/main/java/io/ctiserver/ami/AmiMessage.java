package io.ctiserver.ami;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One AMI message: an action, a response or an event, as an ordered list of {@code Key: Value} headers.
 *
 * <p>Keys may repeat ({@code Variable:}, {@code ChanVariable(x):} and {@code Output:} lines do), so the headers are
 * kept in wire order and {@link #getAll(String)} returns every value. Lookups ignore case, as Asterisk does for
 * action headers.
 *
 * <p>The message also carries where and when it was received: the id of the PBX it came from (several Asterisk
 * servers may feed one CTI server) and the receive time in epoch milliseconds. Neither is part of the wire format.
 *
 * <p>Immutable and safe to read from any thread. Headers are held in parallel arrays because this object is built
 * for every event on the AMI hot path. A decoded message ({@link #ofBytes}) keeps its bytes and turns a value into a
 * String only when it is first asked for: a consumer such as the state tracker reads a handful of an event's twenty
 * headers, so most values are never built at all.
 */
public final class AmiMessage {

    private static final String[] EMPTY = new String[0];

    private final String[] keys;
    /**
     * The values, or for a lazily decoded message a cache of them (null: not decoded yet). Filled in with a benign
     * race: every thread decodes the same bytes to an equal String, and a String is safe to publish through a data
     * race (its fields are final); the array itself is reached through a final field.
     */
    private final String[] values;
    /** The message's bytes (never written after construction), or null when every value is in {@link #values}. */
    private final byte[] bytes;
    /** Start and end index in {@link #bytes} of value {@code i}, at {@code 2i} and {@code 2i + 1}. */
    private final int[] bounds;
    private final String pbx;
    private final long receivedAt;

    private AmiMessage(String[] keys, String[] values, byte[] bytes, int[] bounds, String pbx, long receivedAt) {
        this.keys = keys;
        this.values = values;
        this.bytes = bytes;
        this.bounds = bounds;
        this.pbx = pbx;
        this.receivedAt = receivedAt;
    }

    /** Wraps arrays the caller will never touch again; no copy is made when they have exactly {@code count} slots. */
    public static AmiMessage ofOwnedArrays(String[] keys, String[] values, int count) {
        if (keys.length != count) {
            keys = Arrays.copyOf(keys, count);
            values = Arrays.copyOf(values, count);
        }
        return new AmiMessage(keys, values, null, null, null, 0L);
    }

    /**
     * The decoder's fast path: a message over its own bytes, values decoded on demand. The caller hands over the
     * arrays and never touches them again. Header {@code i} has key {@code keys[i]}; its value is {@code values[i]}
     * when that is not null (the decoder fills in values it had to decode anyway, e.g. UTF-8 ones), otherwise the
     * bytes {@code bytes[bounds[2i] .. bounds[2i + 1])}, which must be ASCII (they are decoded as ISO-8859-1).
     * {@code keys} and {@code values} have exactly {@code size} slots, {@code bounds} {@code 2 * size}.
     */
    public static AmiMessage ofBytes(String[] keys, String[] values, byte[] bytes, int[] bounds) {
        if (values.length != keys.length || bounds.length != 2 * keys.length) {
            throw new IllegalArgumentException("need " + keys.length + " values and " + 2 * keys.length
                    + " bounds, got " + values.length + " and " + bounds.length);
        }
        return new AmiMessage(keys, values, bytes, bounds, null, 0L);
    }

    /** Builds a message from alternating keys and values: {@code of("Action", "Ping", "ActionID", "1")}. */
    public static AmiMessage of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Builder b = builder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.add(keysAndValues[i], keysAndValues[i + 1]);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this message tagged with its source PBX and receive time. */
    public AmiMessage withSource(String pbx, long receivedAt) {
        // Shares the value cache too: both copies decode the same bytes to the same Strings.
        return new AmiMessage(keys, values, bytes, bounds, pbx, receivedAt);
    }

    /** A builder that starts with this message's headers, to add or replace some (e.g. a fresh ActionID). */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < keys.length; i++) {
            b.add(keys[i], value(i));
        }
        return b;
    }

    public int size() {
        return keys.length;
    }

    public String key(int index) {
        return keys[index];
    }

    public String value(int index) {
        String v = values[index];
        if (v == null && bytes != null) {
            int from = bounds[2 * index];
            v = new String(bytes, from, bounds[2 * index + 1] - from, StandardCharsets.ISO_8859_1);
            values[index] = v;
        }
        return v;
    }

    /** The index of the first header named {@code key} (any case), or -1. Allocates nothing. */
    private int indexOf(String key) {
        for (int i = 0; i < keys.length; i++) {
            // equalsIgnoreCase checks identity, then length: the decoder's keys are interned, so the usual
            // literal lookups ("Uniqueid") match on identity and most other keys fail on length.
            if (keys[i].equalsIgnoreCase(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The first value of {@code key}, or {@code null}. */
    public String get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : value(i);
    }

    /** The first value of {@code key}, or {@code fallback} when absent. */
    public String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    public boolean has(String key) {
        return indexOf(key) >= 0;
    }

    /** Every value of a repeated key, in wire order. */
    public List<String> getAll(String key) {
        List<String> out = null;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(value(i));
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    public List<AmiHeader> headers() {
        List<AmiHeader> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(new AmiHeader(keys[i], value(i)));
        }
        return out;
    }

    /** The event name ({@code Event:} header), or {@code null} if this is not an event. */
    public String eventName() {
        return keys.length > 0 && keys[0].equals("Event") ? value(0) : get("Event");
    }

    public boolean isEvent() {
        return eventName() != null;
    }

    /** The {@code Response:} value (Success, Error, Follows, Goodbye), or {@code null}. */
    public String response() {
        return keys.length > 0 && keys[0].equals("Response") ? value(0) : get("Response");
    }

    public boolean isResponse() {
        return response() != null;
    }

    public String action() {
        return get("Action");
    }

    public String actionId() {
        return get("ActionID");
    }

    /** The PBX this message came from, or {@code null} before it was tagged. */
    public String pbx() {
        return pbx;
    }

    /** Epoch milliseconds at which the message was received, or 0 if unknown. */
    public long receivedAt() {
        return receivedAt;
    }

    @Override
    public boolean equals(Object o) {
        // Source tags are deliberately not compared: two messages are equal when their headers are.
        if (!(o instanceof AmiMessage other) || !Arrays.equals(keys, other.keys)) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            if (!value(i).equals(other.value(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        // Arrays.hashCode of the values, decoding lazy ones.
        int h = 1;
        for (int i = 0; i < keys.length; i++) {
            h = 31 * h + value(i).hashCode();
        }
        return 31 * Arrays.hashCode(keys) + h;
    }

    /** The message as it would appear on the wire, without the final blank line (for logs and tests). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(keys.length * 24);
        for (int i = 0; i < keys.length; i++) {
            sb.append(keys[i]).append(": ").append(value(i)).append('\n');
        }
        return sb.toString();
    }

    /** Collects headers in order; repeated keys are kept. */
    public static final class Builder {
        private String[] keys = new String[8];
        private String[] values = new String[8];
        private int count;

        public Builder add(String key, String value) {
            Objects.requireNonNull(key, "key");
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            keys[count] = key;
            values[count] = value == null ? "" : value;
            count++;
            return this;
        }

        /** Adds the header only when the value is not null. */
        public Builder addIfPresent(String key, String value) {
            return value == null ? this : add(key, value);
        }

        /** Replaces every value of {@code key} with one value, keeping the first one's position. */
        public Builder set(String key, String value) {
            int first = -1;
            int w = 0;
            for (int r = 0; r < count; r++) {
                if (keys[r].equalsIgnoreCase(key)) {
                    if (first >= 0) {
                        continue;
                    }
                    first = w;
                }
                keys[w] = keys[r];
                values[w] = values[r];
                w++;
            }
            count = w;
            if (first >= 0) {
                values[first] = value;
                return this;
            }
            return add(key, value);
        }

        public AmiMessage build() {
            return count == 0
                    ? new AmiMessage(EMPTY, EMPTY, null, null, null, 0L)
                    : new AmiMessage(Arrays.copyOf(keys, count), Arrays.copyOf(values, count), null, null, null,
                            0L);
        }
    }
}
