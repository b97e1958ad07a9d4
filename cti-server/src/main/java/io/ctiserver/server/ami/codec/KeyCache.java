package io.ctiserver.server.ami.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Header keys repeat in every event ("Channel", "Uniqueid", ...): keep one String per distinct key instead of
 * allocating a new one per line. A key is looked up by its length and its bytes read as longs: the first eight,
 * the last eight (overlapping the first for keys under 16 bytes) and, for keys over 16 bytes, eight from the
 * ninth on. That is the whole key up to 24 bytes (every key Asterisk sends but a handful), so a lookup is a few
 * reads, one multiply for the slot and four comparisons, with no loop over the key's bytes. A slot's four words
 * sit side by side in one array, in one cache line. Each key has two candidate slots, so that two keys that hash
 * to the same slot both find room.
 */
final class KeyCache {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final int SLOTS = 1024;
    /** Per slot: length (0 for a free slot: keys are never empty), head, middle, tail. */
    private final long[] table = new long[4 * SLOTS];
    private final String[] strings = new String[SLOTS];

    /**
     * The slot holding this key, adding it to a free candidate slot if it is new; -1 when both candidates hold
     * other keys. A slot's key never changes, so a slot number stands for its key for as long as the decoder
     * lives; the table holds at most {@value #SLOTS} keys, and a key that finds no room is simply built anew
     * on every line ({@link #newKey}), which is slower but bounds the memory a stream of odd keys can take.
     */
    int slotOf(byte[] a, int start, int length) {
        long head;
        long middle = 0;
        long tail = 0;
        if (length >= 8) {
            head = (long) LONGS.get(a, start);
            tail = (long) LONGS.get(a, start + length - 8);
            if (length > 16) {
                middle = (long) LONGS.get(a, start + 8);
            }
        } else {
            head = start + 8 <= a.length
                    ? (long) LONGS.get(a, start) & (-1L >>> (64 - 8 * length))
                    : shortKey(a, start, length);
        }
        long mixed = (head + 31 * (tail ^ middle) + length) * 0x9E3779B97F4A7C15L;
        int first = (int) (mixed >>> 54);
        int second = (int) (mixed >>> 44) & (SLOTS - 1);
        if (matches(first, a, start, length, head, middle, tail)) {
            return first;
        }
        if (matches(second, a, start, length, head, middle, tail)) {
            return second;
        }
        int slot = table[4 * first] == 0 ? first : table[4 * second] == 0 ? second : -1;
        if (slot >= 0) {
            table[4 * slot] = length;
            table[4 * slot + 1] = head;
            table[4 * slot + 2] = middle;
            table[4 * slot + 3] = tail;
            strings[slot] = newKey(a, start, length);
        }
        return slot;
    }

    String key(int slot) {
        return strings[slot];
    }

    /** Interned so that lookups with the usual literals ("Uniqueid") match on identity (AmiMessage.get). */
    static String newKey(byte[] a, int start, int length) {
        return new String(a, start, length, StandardCharsets.ISO_8859_1).intern();
    }

    private boolean matches(int slot, byte[] a, int start, int length, long head, long middle, long tail) {
        int t = 4 * slot;
        return table[t] == length && table[t + 1] == head && table[t + 2] == middle && table[t + 3] == tail
                && (length <= 24 || restEquals(strings[slot], a, start, length));
    }

    /** A key of more than 24 bytes: the bytes between the middle and the tail words are compared one by one. */
    private static boolean restEquals(String cached, byte[] a, int start, int length) {
        for (int i = 16; i < length - 8; i++) {
            if (cached.charAt(i) != (a[start + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** A key shorter than eight bytes at the very end of the array, where an eight-byte read would overrun. */
    private static long shortKey(byte[] a, int start, int length) {
        long v = 0;
        for (int i = 0; i < length; i++) {
            v |= (a[start + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    /** Eight bytes per comparison, for {@link ValueCache}. */
    static boolean equal(byte[] cached, byte[] a, int start, int length) {
        if (cached.length != length) {
            return false;
        }
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if ((long) LONGS.get(cached, i) != (long) LONGS.get(a, start + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (cached[i] != a[start + i]) {
                return false;
            }
        }
        return true;
    }
}
