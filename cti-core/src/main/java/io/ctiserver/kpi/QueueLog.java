package io.ctiserver.kpi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Asterisk's {@code queue_log}, parsed: one {@link Entry} per line {@code epoch|callid|queue|agent|event|data1|...}
 * (the file format of {@code queue_log} with {@code queue_log_to_file}; the epoch may carry a fraction). A line that
 * cannot be read is kept in {@link #errors()} with its number and the reason; reading goes on.
 */
public final class QueueLog {

    /** Lines longer than this are refused (a queue_log line is well under 1 KiB). */
    public static final int MAX_LINE_CHARS = 8192;

    /**
     * One queue_log line.
     *
     * @param epochSeconds when app_queue wrote it
     * @param callId       the caller channel's Uniqueid, or {@code NONE} for member events
     * @param agent        the member (its name with {@code log_membername_as_agent}, else its interface) or
     *                     {@code NONE}
     * @param data         data1, data2, ... as written
     */
    public record Entry(long epochSeconds, String callId, String queue, String agent, String event,
                        List<String> data) {

        public Entry {
            data = List.copyOf(data);
        }

        /** data{@code n} (1-based, as Asterisk's documentation numbers them), or "" when absent. */
        public String data(int n) {
            return n >= 1 && n <= data.size() ? data.get(n - 1) : "";
        }

        /** data{@code n} as a number, or {@code fallback} when absent or not a number. */
        public long number(int n, long fallback) {
            String s = data(n).trim();
            if (s.isEmpty()) {
                return fallback;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
    }

    /** A line that was not a queue_log entry. */
    public record Error(int lineNumber, String line, String reason) {
    }

    private final List<Entry> entries;
    private final List<Error> errors;

    private QueueLog(List<Entry> entries, List<Error> errors) {
        this.entries = List.copyOf(entries);
        this.errors = List.copyOf(errors);
    }

    public static QueueLog parse(List<String> lines) {
        List<Entry> entries = new ArrayList<>(lines.size());
        List<Error> errors = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line == null || line.isBlank()) {
                continue;
            }
            if (line.length() > MAX_LINE_CHARS) {
                errors.add(new Error(n, line.substring(0, 80) + "...", "line longer than " + MAX_LINE_CHARS));
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length < 5) {
                errors.add(new Error(n, line, "expected epoch|callid|queue|agent|event[|data...], got "
                        + f.length + " fields"));
                continue;
            }
            long epoch = epochSeconds(f[0].trim());
            if (epoch < 0) {
                errors.add(new Error(n, line, "the first field is not an epoch time: " + f[0]));
                continue;
            }
            if (f[4].isBlank()) {
                errors.add(new Error(n, line, "no event name"));
                continue;
            }
            entries.add(new Entry(epoch, f[1], f[2], f[3], f[4].trim(), Arrays.asList(f).subList(5, f.length)));
        }
        return new QueueLog(entries, errors);
    }

    public static QueueLog read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read queue_log " + file, e);
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<Error> errors() {
        return errors;
    }

    private static long epochSeconds(String s) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        if (whole.isEmpty() || whole.length() > 12) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && i != dot) {
                return -1;
            }
        }
        return Long.parseLong(whole);
    }
}
