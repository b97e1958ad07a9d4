package io.ctiserver.server.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The truth: what really happened to every queue call, as Asterisk's {@code queue_log} lines
 * ({@code epoch|callid|queue|agent|event|data1|data2|...}). Written on the engine thread, read by tests through
 * {@link #lines()}; optionally appended to a file as well.
 *
 * <p>The in-memory copy is bounded: past {@link #MAX_LINES} (or the bound {@link #keep} set) the oldest half is
 * dropped (the file keeps everything). A test reads a few thousand lines; 100,000 are about 12 MiB of the heap the
 * simulator shares with the server in the demo and the benchmarks.
 */
public final class QueueLog {

    public static final int MAX_LINES = 100_000;

    private final List<String> lines = new ArrayList<>();
    private volatile int maxLines = MAX_LINES;
    private final Writer file;
    private long lastFlushNanos = System.nanoTime();

    QueueLog(String path) {
        try {
            this.file = path == null ? null : Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open queue_log file " + path, e);
        }
    }

    void write(long epochMs, String callId, String queue, String agent, String event, Object... data) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(epochMs / 1000).append('|').append(callId).append('|').append(queue).append('|')
                .append(agent).append('|').append(event);
        for (Object d : data) {
            sb.append('|').append(d);
        }
        String line = sb.toString();
        synchronized (lines) {
            int max = maxLines;
            if (max > 0) {
                if (lines.size() >= max) {
                    lines.subList(0, Math.max(1, max / 2)).clear();
                }
                lines.add(line);
            }
        }
        if (file != null) {
            try {
                file.write(line);
                file.write('\n');
                if (System.nanoTime() - lastFlushNanos > 1_000_000_000L) {
                    // at most a second behind, for someone following the file with tail -f
                    file.flush();
                    lastFlushNanos = System.nanoTime();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("queue_log write failed", e);
            }
        }
    }

    /**
     * Keeps at most {@code max} lines in memory from now on (0: none, the file alone, if any): for a benchmark that
     * measures the server's heap beside the simulator, whose truth Asterisk would keep on its own disk.
     */
    void keep(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("queue_log lines kept: 0 or more, got " + max);
        }
        synchronized (lines) {
            maxLines = max;
            if (lines.size() > max) {
                lines.subList(0, lines.size() - max).clear();
            }
        }
    }

    /** A copy of every line so far, oldest first. Any thread. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    void flush() {
        if (file != null) {
            try {
                file.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // nothing left to do at shutdown
            }
        }
    }
}
