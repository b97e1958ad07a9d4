package io.ctiserver.server.agi.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes what Asterisk sends on a FastAGI connection (the server side).
 *
 * <h2>Output</h2>
 * <ol>
 *   <li>one {@link AgiRequest}: the {@code agi_key: value} lines up to the first empty line, with the
 *       {@code agi_arg_N} values also as a list;</li>
 *   <li>then, for each line: an {@link AgiReply} ({@code 200 result=...}, {@code 510}, {@code 511}, or a
 *       {@code 520-...} usage block up to {@code 520 End of proper usage.}), {@link AgiHangup} for {@code HANGUP}, or a
 *       non-fatal {@link AgiDecodeError} for a line that is none of these.</li>
 * </ol>
 * A malformed environment block (a line that is not {@code agi_key: value}, no {@code agi_request}) or one over the
 * limits gives one fatal {@link AgiDecodeError}; the decoder then discards everything, and the session handler
 * closes the connection. The decoder never throws for bad input.
 *
 * <h2>Memory limits</h2>
 * <ul>
 *   <li>{@code maxLineLength} (default {@value #DEFAULT_MAX_LINE_LENGTH} bytes): a longer line is never buffered; in
 *       the environment it is fatal, in a reply it is discarded and reported;</li>
 *   <li>{@code maxEnvBytes} (default {@value #DEFAULT_MAX_ENV_BYTES} bytes) for the whole environment block, and
 *       {@value #MAX_USAGE_LINES} lines for a 520 usage block.</li>
 * </ul>
 * Lines end with LF (Asterisk's own); a CR before it is dropped. Text is UTF-8.
 */
public class AgiDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_LINE_LENGTH = 8 * 1024;
    public static final int DEFAULT_MAX_ENV_BYTES = 32 * 1024;
    static final int MAX_USAGE_LINES = 200;

    private enum State { ENV, REPLIES, USAGE, FAILED }

    private final int maxLineLength;
    private final int maxEnvBytes;

    private State state = State.ENV;
    private Map<String, String> env = new LinkedHashMap<>();
    private int envBytes;
    private boolean discardingLine;
    private int discardedBytes;
    private final List<String> usage = new ArrayList<>();

    public AgiDecoder() {
        this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_ENV_BYTES);
    }

    public AgiDecoder(int maxLineLength, int maxEnvBytes) {
        if (maxLineLength < 64 || maxEnvBytes < maxLineLength) {
            throw new IllegalArgumentException("need 64 <= maxLineLength <= maxEnvBytes");
        }
        this.maxLineLength = maxLineLength;
        this.maxEnvBytes = maxEnvBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (state == State.FAILED) {
                in.skipBytes(in.readableBytes());
                return;
            }
            int lf = in.forEachByte(ByteProcessor.FIND_LF);
            if (lf < 0) {
                // Room for the longest line and its CR: a line is refused on its length, however it arrives.
                if (in.readableBytes() > maxLineLength + 1) {
                    discardedBytes += in.readableBytes();
                    in.skipBytes(in.readableBytes());
                    if (state == State.ENV) {
                        fail(out, "environment line longer than " + maxLineLength + " bytes", "");
                        return;
                    }
                    discardingLine = true;
                }
                return;
            }
            int start = in.readerIndex();
            int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            if (!discardingLine && end - start > maxLineLength) {
                // A whole over-long line in one read: refused exactly as one that arrived in pieces.
                in.readerIndex(lf + 1);
                if (state == State.ENV) {
                    fail(out, "environment line longer than " + maxLineLength + " bytes", "");
                    return;
                }
                out.add(new AgiDecodeError(false, "reply line of " + (lf + 1 - start) + " bytes over the limit of "
                        + maxLineLength + "; skipped", ""));
                continue;
            }
            String line = in.toString(start, end - start, StandardCharsets.UTF_8);
            in.readerIndex(lf + 1);
            if (discardingLine) {
                int total = discardedBytes + (lf + 1 - start);
                discardingLine = false;
                discardedBytes = 0;
                out.add(new AgiDecodeError(false, "reply line of " + total + " bytes over the limit of "
                        + maxLineLength + "; skipped", ""));
                continue;
            }
            switch (state) {
                case ENV -> envLine(line, lf + 1 - start, out);
                case REPLIES -> replyLine(line, out);
                case USAGE -> usageLine(line, out);
                default -> { }
            }
        }
    }

    private void envLine(String line, int bytes, List<Object> out) {
        envBytes += bytes;
        if (envBytes > maxEnvBytes) {
            fail(out, "environment block over " + maxEnvBytes + " bytes", line);
            return;
        }
        if (line.isEmpty()) {
            if (!env.containsKey("agi_request")) {
                fail(out, "environment block without agi_request", "");
                return;
            }
            out.add(new AgiRequest(env, args(env)));
            env = null;
            state = State.REPLIES;
            return;
        }
        int colon = line.indexOf(':');
        if (!line.startsWith("agi_") || colon < 5) {
            fail(out, "environment line is not 'agi_key: value'", line);
            return;
        }
        String key = line.substring(0, colon);
        String value = colon + 1 < line.length() && line.charAt(colon + 1) == ' '
                ? line.substring(colon + 2) : line.substring(colon + 1);
        env.put(key, value);
    }

    private static List<String> args(Map<String, String> env) {
        // agi_arg_N may come in any order; number them, and stop at the first gap.
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("agi_arg_")) {
                try {
                    byIndex.put(Integer.parseInt(k.substring(8)), v);
                } catch (NumberFormatException ignored) {
                    // not an argument after all; it stays in the env map
                }
            }
        });
        List<String> args = new ArrayList<>();
        for (int i = 1; byIndex.containsKey(i); i++) {
            args.add(byIndex.get(i));
        }
        return args;
    }

    private void replyLine(String line, List<Object> out) {
        if (line.equals("HANGUP")) {
            out.add(AgiHangup.INSTANCE);
            return;
        }
        int code = code(line);
        if (code < 0) {
            out.add(new AgiDecodeError(false, "not an AGI reply", cut(line)));
            return;
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            usage.clear();
            usage.add(line.substring(4));
            state = State.USAGE;
            return;
        }
        String rest = line.length() > 4 ? line.substring(4) : "";
        out.add(code == AgiReply.OK ? ok(rest) : new AgiReply(code, null, null, rest));
    }

    private void usageLine(String line, List<Object> out) {
        int code = code(line);
        if (code == AgiReply.USAGE && line.length() > 3 && line.charAt(3) == ' ') {
            state = State.REPLIES;
            out.add(new AgiReply(AgiReply.USAGE, null, null, String.join("\n", usage)));
            usage.clear();
            return;
        }
        if (usage.size() < MAX_USAGE_LINES) {
            usage.add(line.startsWith("520-") ? line.substring(4) : line);
        }
    }

    /** {@code result=N [(data)] [extra]}. */
    private static AgiReply ok(String rest) {
        if (!rest.startsWith("result=")) {
            return new AgiReply(AgiReply.OK, null, null, rest.isEmpty() ? null : rest);
        }
        int sp = rest.indexOf(' ');
        String result = sp < 0 ? rest.substring(7) : rest.substring(7, sp);
        if (sp < 0) {
            return new AgiReply(AgiReply.OK, result, null, null);
        }
        String tail = rest.substring(sp + 1);
        String data = null;
        if (tail.startsWith("(")) {
            // A value may itself contain ") ", so the data runs to the last ")" before any "key=value" extras.
            int close = tail.lastIndexOf(')');
            int extras = tail.indexOf(") ", 1);
            if (extras > 0 && tail.substring(extras + 2).matches("[a-z_]+=.*")) {
                close = extras;
            }
            if (close > 0) {
                data = tail.substring(1, close);
                tail = tail.substring(close + 1).trim();
            }
        }
        return new AgiReply(AgiReply.OK, result, data, tail.isEmpty() ? null : tail);
    }

    private static int code(String line) {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            return -1;
        }
        int c = 0;
        for (int i = 0; i < 3; i++) {
            char ch = line.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            c = c * 10 + (ch - '0');
        }
        return c;
    }

    private void fail(List<Object> out, String reason, String line) {
        state = State.FAILED;
        env = null;
        out.add(new AgiDecodeError(true, reason, cut(line)));
    }

    private static String cut(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
