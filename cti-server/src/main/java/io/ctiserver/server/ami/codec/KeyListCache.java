package io.ctiserver.server.ami.codec;

import java.util.Arrays;

/**
 * Each kind of event comes with the same keys in the same order, message after message: share one keys array
 * per such list instead of building one per message (the arrays are never written once handed to a message).
 * Lists are told apart by their {@link KeyCache} slots, which stand for their keys for good. Direct-mapped; a
 * list that collides with another is just built again. Only lists of up to {@value #MAX_KEYS} keys are kept
 * (Asterisk's largest events, attended transfers, have 76), so that long Command answers do not pin memory.
 */
final class KeyListCache {
    static final int MAX_KEYS = 128;
    private final int[][] slots = new int[256][];
    private final String[][] keys = new String[256][];

    String[] find(int[] keySlots, int n, int hash) {
        int i = index(hash, n);
        int[] cached = slots[i];
        return cached != null && Arrays.equals(cached, 0, cached.length, keySlots, 0, n) ? keys[i] : null;
    }

    void add(int[] keySlots, int n, int hash, String[] list) {
        int i = index(hash, n);
        slots[i] = Arrays.copyOf(keySlots, n);
        keys[i] = list;
    }

    private static int index(int hash, int n) {
        return ((hash + n) * 0x9E3779B9 >>> 24);
    }
}
