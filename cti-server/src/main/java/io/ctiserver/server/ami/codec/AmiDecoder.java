package io.ctiserver.server.ami.codec;

import io.ctiserver.ami.AmiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes AMI bytes into {@link AmiMessage}s: {@code Key: Value} lines ended by CRLF (a bare LF is accepted), a blank
 * line ending each message. Used on both sides: the client decodes responses and events, the simulator decodes
 * actions.
 *
 * <h2>Output</h2>
 * <ul>
 *   <li>{@link AmiBanner} for the greeting line, when {@code expectBanner} (the client side) and the first line has
 *       no colon;</li>
 *   <li>{@link AmiMessage} for each message; a repeated key keeps every value, in order;</li>
 *   <li>{@link AmiDecodeError} for input it had to skip. The decoder never throws for bad input: it skips the bad
 *       line (or the whole message when it is too large), and goes on with the next line, so one bad event never
 *       costs the connection (and with it every event Asterisk sends during the reconnect). What each
 *       {@link AmiDecodeError.Kind} skips is documented there.</li>
 * </ul>
 *
 * <h2>Memory limits</h2>
 * Both limits are constructor arguments (the AMI client takes them from its {@code pbx} config:
 * {@code maxLineLength}, {@code maxMessageSize}).
 * <ul>
 *   <li>{@code maxLineLength} (default {@value #DEFAULT_MAX_LINE_LENGTH} bytes, line end excluded): a longer line is
 *       dropped as it streams in, so it never accumulates in the cumulation buffer. Asterisk's longest lines are
 *       {@code Output:} lines of a Command and long {@code Variable:} values, far below this.</li>
 *   <li>{@code maxMessageSize} (default {@value #DEFAULT_MAX_MESSAGE_SIZE} bytes, counting every line with its line
 *       end): a larger message is discarded up to its blank line and reported once. The largest real messages are
 *       the answers to {@code Command} (one {@code Output:} line per channel).</li>
 * </ul>
 * At most {@code maxLineLength} bytes of one partial line plus {@code maxMessageSize} bytes of decoded headers are
 * ever held.
 *
 * <h2>Text</h2>
 * Lines of printable ASCII (nearly all of them) take a single-pass fast path. Other lines must be valid UTF-8 without
 * control characters (Asterisk sends caller names in UTF-8); anything else is binary junk. Keys are split from
 * values on the first colon and one space after it is dropped; values may contain {@code ": "}, may be empty, and
 * keep any trailing spaces, so re-encoding a decoded capture gives back its exact bytes.
 *
 * <p>Not sharable: one instance per channel.
 */
public class AmiDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

    private static final int EXCERPT = 80;

    private final int maxLineLength;
    private final int maxMessageSize;
    private final KeyCache keys = new KeyCache();

    private boolean expectBanner;

    // The message being assembled.
    private String[] headerKeys = new String[32];
    private String[] headerValues = new String[32];
    private int headerCount;
    private int messageSize;
    /** Set while skipping the rest of a message that went over {@link #maxMessageSize}. */
    private boolean discardingMessage;
    /** Set while skipping the rest of a line that went over {@link #maxLineLength}. */
    private boolean discardingLine;
    private long discardedLineLength;
    private String discardedLineExcerpt;

    private final DirectScan directScan = new DirectScan();

    // Results of the last scanLine(), kept in fields to spare an allocation per line.
    private int colon;
    private boolean printableAscii;

    public AmiDecoder(boolean expectBanner) {
        this(expectBanner, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_MESSAGE_SIZE);
    }

    /**
     * @param expectBanner   the first line may be the {@code Asterisk Call Manager/x.y.z} greeting (client side)
     * @param maxLineLength  the longest accepted line, in bytes, without its line end
     * @param maxMessageSize the largest accepted message, in bytes, counting every line end
     */
    public AmiDecoder(boolean expectBanner, int maxLineLength, int maxMessageSize) {
        if (maxLineLength < 16 || maxMessageSize < maxLineLength) {
            throw new IllegalArgumentException("need 16 <= maxLineLength <= maxMessageSize, got "
                    + maxLineLength + " and " + maxMessageSize);
        }
        this.expectBanner = expectBanner;
        this.maxLineLength = maxLineLength;
        this.maxMessageSize = maxMessageSize;
    }

    public int maxLineLength() {
        return maxLineLength;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    /** Bytes received but not decoded yet (a partial line); never more than about {@link #maxLineLength}. */
    int bufferedBytes() {
        return internalBuffer().readableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = in.writerIndex();
        while (in.readerIndex() < end) {
            int lineStart = in.readerIndex();
            int lf = scanLine(in, lineStart, end);
            if (lf < 0) {
                guardPartialLine(in, out);
                return;
            }
            int lineEnd = lf > lineStart && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            int consumed = lf + 1 - lineStart;
            in.readerIndex(lf + 1);
            if (discardingLine) {
                discardingLine = false;
                onLongLine(out, discardedLineLength + consumed, discardedLineExcerpt);
                continue;
            }
            onLine(in, lineStart, lineEnd - lineStart, consumed, out);
        }
    }

    /**
     * Finds the LF that ends the line starting at {@code from}, noting on the way the first colon and whether the
     * line is plain printable ASCII (CR and TAB allowed). One pass, because this runs over every byte received.
     *
     * @return the index of the LF, or -1 if the line is not complete yet
     */
    private int scanLine(ByteBuf in, int from, int to) {
        int firstColon = -1;
        boolean plain = true;
        int lf = -1;
        if (in.hasArray()) {
            byte[] a = in.array();
            int off = in.arrayOffset();
            for (int i = from + off, e = to + off; i < e; i++) {
                int c = a[i] & 0xff;
                if (c < 0x20 || c >= 0x7f) {
                    if (c == '\n') {
                        lf = i - off;
                        break;
                    }
                    if (c != '\r' && c != '\t') {
                        plain = false;
                    }
                } else if (c == ':' && firstColon < 0) {
                    firstColon = i - off;
                }
            }
        } else {
            // Direct buffer: one bounds check for the whole scan instead of one per getByte.
            directScan.reset();
            lf = in.forEachByte(from, to - from, directScan);
            firstColon = directScan.colon < 0 ? -1 : from + directScan.colon;
            plain = directScan.plain;
        }
        colon = firstColon;
        printableAscii = plain;
        return lf;
    }

    /** No line end yet: keep waiting, unless the partial line is already over the limit. */
    private void guardPartialLine(ByteBuf in, List<Object> out) {
        int pending = in.readableBytes();
        // +1: the CR of a line exactly at the limit may wait for its LF.
        if (discardingLine || pending > maxLineLength + 1) {
            // Drop it now rather than buffering an unbounded line; the tail is skipped up to the next LF.
            if (!discardingLine) {
                discardingLine = true;
                discardedLineLength = 0;
                discardedLineExcerpt = excerpt(in, in.readerIndex(), pending);
            }
            discardedLineLength += pending;
            in.skipBytes(pending);
        }
    }

    private void onLongLine(List<Object> out, long length, String excerpt) {
        addToMessageSize(length);
        if (!discardingMessage) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.LINE_TOO_LONG,
                    "line of " + length + " bytes is over the limit of " + maxLineLength + " bytes; skipped",
                    excerpt));
        }
    }

    private void onLine(ByteBuf in, int start, int length, int consumed, List<Object> out) {
        if (length == 0) {
            endOfMessage(out);
            return;
        }
        if (length > maxLineLength) {
            onLongLine(out, consumed, excerpt(in, start, length));
            return;
        }
        if (expectBanner) {
            expectBanner = false;
            if (colon < 0 && headerCount == 0 && printableAscii) {
                out.add(new AmiBanner(in.toString(start, length, StandardCharsets.US_ASCII)));
                return;
            }
        }
        addToMessageSize(consumed);
        if (discardingMessage) {
            return;
        }
        boolean ascii = printableAscii;
        int keyEnd = colon;
        if (!ascii && !isText(in, start, length)) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.BINARY_LINE,
                    "line of " + length + " bytes holds control or non-UTF-8 bytes; skipped",
                    excerpt(in, start, length)));
            return;
        }
        if (keyEnd <= start) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.LINE_WITHOUT_COLON,
                    keyEnd < 0 ? "header line has no colon; skipped" : "header line has an empty key; skipped",
                    excerpt(in, start, length)));
            return;
        }
        String key = ascii ? keys.intern(in, start, keyEnd - start)
                : in.toString(start, keyEnd - start, StandardCharsets.UTF_8);
        int valueStart = keyEnd + 1;
        int lineEnd = start + length;
        if (valueStart < lineEnd && in.getByte(valueStart) == ' ') {
            valueStart++;
        }
        int valueLength = lineEnd - valueStart;
        String value = valueLength == 0 ? ""
                : in.toString(valueStart, valueLength, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        addHeader(key, value);
    }

    private void addToMessageSize(long bytes) {
        messageSize = (int) Math.min(Integer.MAX_VALUE, messageSize + bytes);
        if (!discardingMessage && messageSize > maxMessageSize) {
            discardingMessage = true;
            clearHeaders();
        }
    }

    private void endOfMessage(List<Object> out) {
        if (discardingMessage) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.MESSAGE_TOO_LARGE,
                    "message of " + messageSize + " bytes is over the limit of " + maxMessageSize
                            + " bytes; discarded", ""));
            discardingMessage = false;
        } else if (headerCount > 0) {
            out.add(AmiMessage.ofOwnedArrays(headerKeys, headerValues, headerCount));
            // The arrays now belong to the message (trimmed copies if they were larger): start fresh ones.
            int size = Math.max(16, headerCount + 8);
            headerKeys = new String[size];
            headerValues = new String[size];
        }
        // A blank line between messages (or after skipped lines only) is harmless and produces nothing.
        headerCount = 0;
        messageSize = 0;
        expectBanner = false;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        int partial = in.readableBytes();
        if (headerCount > 0 || discardingMessage || discardingLine || partial > 0) {
            String excerpt = partial > 0 ? excerpt(in, in.readerIndex(), partial)
                    : headerCount > 0 ? headerKeys[0] + ": " + headerValues[0] : "";
            out.add(new AmiDecodeError(AmiDecodeError.Kind.TRUNCATED_AT_EOF,
                    "connection closed inside a message: " + headerCount + " complete header(s) and "
                            + partial + " byte(s) of a partial line lost", excerpt));
            in.skipBytes(partial);
            clearHeaders();
            discardingMessage = false;
            discardingLine = false;
        }
    }

    private void addHeader(String key, String value) {
        if (headerCount == headerKeys.length) {
            headerKeys = Arrays.copyOf(headerKeys, headerCount * 2);
            headerValues = Arrays.copyOf(headerValues, headerCount * 2);
        }
        headerKeys[headerCount] = key;
        headerValues[headerCount] = value;
        headerCount++;
    }

    private void clearHeaders() {
        Arrays.fill(headerKeys, 0, headerCount, null);
        Arrays.fill(headerValues, 0, headerCount, null);
        headerCount = 0;
    }

    /** Text that is not plain ASCII: no control bytes, and valid UTF-8. The rare path. */
    private static boolean isText(ByteBuf in, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            int c = in.getByte(i) & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        try {
            UTF8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(start, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static final Charset UTF8 = StandardCharsets.UTF_8;

    /** The start of a bad line for the log: printable ASCII kept, anything else shown as '.'. */
    static String excerpt(ByteBuf in, int start, int length) {
        int n = Math.min(length, EXCERPT);
        StringBuilder sb = new StringBuilder(n);
        for (int i = start, end = start + n; i < end; i++) {
            int b = in.getByte(i) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.toString();
    }

    /** {@link #scanLine}'s loop for buffers without an array: stops at LF, notes the first colon and non-ASCII. */
    private static final class DirectScan implements ByteProcessor {
        int offset;
        int colon;
        boolean plain;

        void reset() {
            offset = 0;
            colon = -1;
            plain = true;
        }

        @Override
        public boolean process(byte value) {
            int c = value & 0xff;
            if (c < 0x20 || c >= 0x7f) {
                if (c == '\n') {
                    return false;
                }
                if (c != '\r' && c != '\t') {
                    plain = false;
                }
            } else if (c == ':' && colon < 0) {
                colon = offset;
            }
            offset++;
            return true;
        }
    }

    /**
     * Header keys repeat in every event ("Channel", "Uniqueid", ...): keep one String per distinct key instead of
     * allocating a new one per line. A small direct-mapped table; a collision just allocates.
     */
    private static final class KeyCache {
        private final String[] table = new String[512];

        String intern(ByteBuf in, int start, int length) {
            int h = length;
            if (in.hasArray()) {
                byte[] a = in.array();
                for (int i = start + in.arrayOffset(), end = i + length; i < end; i++) {
                    h = 31 * h + a[i];
                }
            } else {
                for (int i = start, end = start + length; i < end; i++) {
                    h = 31 * h + in.getByte(i);
                }
            }
            int slot = (h ^ (h >>> 9)) & (table.length - 1);
            String cached = table[slot];
            if (cached != null && matches(cached, in, start, length)) {
                return cached;
            }
            String key = in.toString(start, length, StandardCharsets.ISO_8859_1);
            table[slot] = key;
            return key;
        }

        private static boolean matches(String s, ByteBuf in, int start, int length) {
            if (s.length() != length) {
                return false;
            }
            if (in.hasArray()) {
                byte[] a = in.array();
                int off = start + in.arrayOffset();
                for (int i = 0; i < length; i++) {
                    if (s.charAt(i) != (char) (a[off + i] & 0xff)) {
                        return false;
                    }
                }
                return true;
            }
            for (int i = 0; i < length; i++) {
                if (s.charAt(i) != (char) (in.getByte(start + i) & 0xff)) {
                    return false;
                }
            }
            return true;
        }
    }
}
