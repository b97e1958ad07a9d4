package io.ctiserver.ami;

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
 * <p>Immutable. Headers are held in two parallel arrays because this object is built for every event on the AMI hot
 * path.
 */
public final class AmiMessage {

    private static final String[] EMPTY = new String[0];

    private final String[] keys;
    private final String[] values;
    private final String pbx;
    private final long receivedAt;

    private AmiMessage(String[] keys, String[] values, String pbx, long receivedAt) {
        this.keys = keys;
        this.values = values;
        this.pbx = pbx;
        this.receivedAt = receivedAt;
    }

    /** Wraps arrays the caller will never touch again (the decoder's fast path); no copy is made. */
    public static AmiMessage ofOwnedArrays(String[] keys, String[] values, int count) {
        if (keys.length != count) {
            keys = Arrays.copyOf(keys, count);
            values = Arrays.copyOf(values, count);
        }
        return new AmiMessage(keys, values, null, 0L);
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
        return new AmiMessage(keys, values, pbx, receivedAt);
    }

    /** A builder that starts with this message's headers, to add or replace some (e.g. a fresh ActionID). */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < keys.length; i++) {
            b.add(keys[i], values[i]);
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
        return values[index];
    }

    /** The first value of {@code key}, or {@code null}. */
    public String get(String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                return values[i];
            }
        }
        return null;
    }

    /** The first value of {@code key}, or {@code fallback} when absent. */
    public String get(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    /** Every value of a repeated key, in wire order. */
    public List<String> getAll(String key) {
        List<String> out = null;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equalsIgnoreCase(key)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(values[i]);
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    public List<AmiHeader> headers() {
        List<AmiHeader> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(new AmiHeader(keys[i], values[i]));
        }
        return out;
    }

    /** The event name ({@code Event:} header), or {@code null} if this is not an event. */
    public String eventName() {
        return keys.length > 0 && keys[0].equals("Event") ? values[0] : get("Event");
    }

    public boolean isEvent() {
        return eventName() != null;
    }

    /** The {@code Response:} value (Success, Error, Follows, Goodbye), or {@code null}. */
    public String response() {
        return keys.length > 0 && keys[0].equals("Response") ? values[0] : get("Response");
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
        return o instanceof AmiMessage other
                && Arrays.equals(keys, other.keys)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
    }

    /** The message as it would appear on the wire, without the final blank line (for logs and tests). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(keys.length * 24);
        for (int i = 0; i < keys.length; i++) {
            sb.append(keys[i]).append(": ").append(values[i]).append('\n');
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
                    ? new AmiMessage(EMPTY, EMPTY, null, 0L)
                    : new AmiMessage(Arrays.copyOf(keys, count), Arrays.copyOf(values, count), null, 0L);
        }
    }
}
