package io.ctiserver.server.ami.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A realistic Asterisk 22 event stream for the benchmark: the events of real queue calls (captures 02, 03, 06 and
 * 08: answered, abandoned, blind- and attended-transferred), each call renumbered (Uniqueid, Linkedid, channel
 * sequence numbers, bridge ids) so that the stream reads as many distinct calls. Pre-rendered once into read-only
 * direct buffers, so the server costs little CPU and the client side is what is measured.
 */
public final class BenchStream {

    public static final List<String> CAPTURES = List.of(
            "02_queue_call_answered_by_agent.txt",
            "03_queue_call_abandoned.txt",
            "06_blind_transfer_by_agent.txt",
            "08_attended_transfer_by_agent.txt");

    private static final Pattern UNIQUEID = Pattern.compile("(\\d{10})\\.(\\d+)");
    private static final Pattern CHANNEL_SEQ = Pattern.compile("-([0-9a-f]{8})(?=;|\\r|$|,)");
    private static final Pattern BRIDGE_ID = Pattern.compile(
            "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)([0-9a-f]{12})");

    /** One rendered call: its bytes and where each of its events ends. */
    private record Call(ByteBuf bytes, int[] eventEnds) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final long bytesPerEvent;
    private final java.util.Set<String> eventNames;

    private BenchStream(List<Call> calls, java.util.Set<String> eventNames) {
        this.calls.addAll(calls);
        this.eventNames = java.util.Set.copyOf(eventNames);
        long bytes = 0;
        long events = 0;
        for (Call c : calls) {
            bytes += c.bytes().readableBytes();
            events += c.eventEnds().length;
        }
        this.bytesPerEvent = bytes / events;
    }

    /** Renders {@code distinctCalls} calls from the captures in {@code dir}. */
    public static BenchStream load(Path dir, int distinctCalls) throws IOException {
        List<List<String>> templates = new ArrayList<>();
        for (String name : CAPTURES) {
            templates.add(events(Files.readString(dir.resolve(name), StandardCharsets.ISO_8859_1)));
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (List<String> t : templates) {
            for (String block : t) {
                names.add(block.substring("Event: ".length(), block.indexOf("\r\n")).toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<Call> calls = new ArrayList<>();
        for (int k = 0; k < distinctCalls; k++) {
            List<String> template = templates.get(k % templates.size());
            StringBuilder sb = new StringBuilder(80_000);
            int[] ends = new int[template.size()];
            for (int i = 0; i < template.size(); i++) {
                sb.append(renumber(template.get(i), k));
                ends[i] = sb.length();
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuf buf = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
            calls.add(new Call(Unpooled.unreleasableBuffer(buf.asReadOnly()), ends));
        }
        return new BenchStream(calls, names);
    }

    /** The event names in the stream, lower case. */
    public java.util.Set<String> eventNames() {
        return eventNames;
    }

    /** The event blocks of a capture: no banner, no responses, nothing that answers one of the capture's actions. */
    static List<String> events(String capture) {
        String body = capture.substring(capture.indexOf("\r\n") + 2);
        List<String> out = new ArrayList<>();
        for (int at = 0; at < body.length(); ) {
            int end = body.indexOf("\r\n\r\n", at) + 4;
            String block = body.substring(at, end);
            at = end;
            if (block.startsWith("Event: ") && !block.contains("\r\nActionID: ")
                    && !block.startsWith("Event: SuccessfulAuth") && !block.startsWith("Event: FullyBooted")) {
                out.add(block);
            }
        }
        return out;
    }

    private static String renumber(String block, int call) {
        Matcher u = UNIQUEID.matcher(block);
        StringBuilder sb = new StringBuilder(block.length() + 16);
        while (u.find()) {
            long seconds = Long.parseLong(u.group(1)) + call;
            long seq = Long.parseLong(u.group(2)) + 100L * call;
            u.appendReplacement(sb, seconds + "." + seq);
        }
        u.appendTail(sb);
        Matcher c = CHANNEL_SEQ.matcher(sb.toString());
        sb.setLength(0);
        while (c.find()) {
            long seq = Long.parseLong(c.group(1), 16) + 16L * call;
            c.appendReplacement(sb, String.format("-%08x", seq));
        }
        c.appendTail(sb);
        Matcher b = BRIDGE_ID.matcher(sb.toString());
        sb.setLength(0);
        while (b.find()) {
            b.appendReplacement(sb, b.group(1) + String.format("%012x", Long.parseLong(b.group(2), 16) ^ call));
        }
        b.appendTail(sb);
        return sb.toString();
    }

    public long bytesPerEvent() {
        return bytesPerEvent;
    }

    public int distinctEventsPerCycle() {
        return calls.stream().mapToInt(c -> c.eventEnds().length).sum();
    }

    /** Exactly {@code events} events, as slices (whole calls, the last one cut at an event boundary). */
    public Iterator<ByteBuf> slices(long events) {
        return new Iterator<>() {
            private long left = events;
            private int next;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public ByteBuf next() {
                if (left <= 0) {
                    throw new NoSuchElementException();
                }
                Call call = calls.get(next);
                next = (next + 1) % calls.size();
                int n = call.eventEnds().length;
                if (left >= n) {
                    left -= n;
                    return call.bytes().duplicate();
                }
                int end = call.eventEnds()[(int) left - 1];
                left = 0;
                return call.bytes().slice(0, end);
            }
        };
    }
}
