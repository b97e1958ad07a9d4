package io.ctiserver.server.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded byte-level mutations (flip, replace with a byte that means something to our parsers, insert, delete,
 * duplicate, splice two seeds, truncate), one to eight per input. Not coverage-guided: a cheap, reproducible loop
 * that runs inside the normal test command and, for the long run, from {@code bench fuzz}.
 */
final class Mutator {

    /** Bytes our formats give meaning to: line ends, separators, quotes, braces, digits, NUL, high bytes. */
    private static final byte[] SPECIAL = ":\r\n \"{}[]\\,=$()0-9%\u0000\u007f".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[][] TOKENS = {
            "\r\n".getBytes(StandardCharsets.US_ASCII), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            ": ".getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII),
            "200 result=".getBytes(StandardCharsets.US_ASCII), "520-".getBytes(StandardCharsets.US_ASCII),
            "HANGUP\n".getBytes(StandardCharsets.US_ASCII), "agi_".getBytes(StandardCharsets.US_ASCII),
            "EventList: start\r\n".getBytes(StandardCharsets.US_ASCII), "null".getBytes(StandardCharsets.US_ASCII),
            "-1".getBytes(StandardCharsets.US_ASCII), "99999999999999999999".getBytes(StandardCharsets.US_ASCII),
            "\u00ff\u00fe".getBytes(StandardCharsets.ISO_8859_1), "\"".getBytes(StandardCharsets.US_ASCII)};

    private final SplittableRandom random;
    private final List<byte[]> seeds;
    private final int maxLength;

    Mutator(long seed, List<byte[]> seeds, int maxLength) {
        this.random = new SplittableRandom(seed);
        this.seeds = seeds;
        this.maxLength = maxLength;
    }

    byte[] next() {
        byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
            b = mutate(b);
        }
        return b.length > maxLength ? Arrays.copyOf(b, maxLength) : b;
    }

    private byte[] mutate(byte[] b) {
        int op = random.nextInt(8);
        if (b.length == 0) {
            op = 2;
        }
        switch (op) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[random.nextInt(b.length)] = SPECIAL[random.nextInt(SPECIAL.length)];
            case 2 -> {
                byte[] ins = random.nextBoolean() ? TOKENS[random.nextInt(TOKENS.length)] : randomBytes(1 + random.nextInt(8));
                return insert(b, random.nextInt(b.length + 1), ins);
            }
            case 3 -> {
                int from = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(64, b.length - from));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, from + len, out, from, b.length - from - len);
                return out;
            }
            case 4 -> {
                int from = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(256, b.length - from));
                return insert(b, random.nextInt(b.length + 1), Arrays.copyOfRange(b, from, from + len));
            }
            case 5 -> {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
            case 6 -> {
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
            default -> {
                // a long run of one byte: for line and message limits
                byte[] run = new byte[random.nextInt(4096)];
                Arrays.fill(run, random.nextBoolean() ? (byte) 'x' : SPECIAL[random.nextInt(SPECIAL.length)]);
                return insert(b, random.nextInt(b.length + 1), run);
            }
        }
        return b;
    }

    private byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) random.nextInt(256);
        }
        return r;
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        byte[] out = new byte[b.length + ins.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(ins, 0, out, at, ins.length);
        System.arraycopy(b, at, out, at + ins.length, b.length - at);
        return out;
    }
}
