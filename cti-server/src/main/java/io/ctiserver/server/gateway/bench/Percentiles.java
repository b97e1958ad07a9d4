package io.ctiserver.server.gateway.bench;

import java.util.Arrays;

/** A latency distribution in microseconds: samples, p50, p99, p99.9, max. */
record Percentiles(long samples, long p50, long p99, long p999, long max) {

    /** From latencies in nanoseconds (sorted here). */
    static Percentiles of(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Percentiles(s.length, pct(s, 0.50), pct(s, 0.99), pct(s, 0.999),
                s.length == 0 ? 0 : s[s.length - 1] / 1000);
    }

    /** From the {@code count p50 p99 p999 max} the bench client prints. */
    static Percentiles parse(String[] words, int from) {
        return new Percentiles(Long.parseLong(words[from]), Long.parseLong(words[from + 1]),
                Long.parseLong(words[from + 2]), Long.parseLong(words[from + 3]), Long.parseLong(words[from + 4]));
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000;
    }
}
