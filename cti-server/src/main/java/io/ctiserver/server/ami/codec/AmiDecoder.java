package io.ctiserver.server.ami.codec;

import io.ctiserver.ami.AmiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
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
 * ever held, besides the fixed-size caches of keys, first values and key lists (see each cache).
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

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long COLONS = 0x3a3a3a3a3a3a3a3aL;

    /**
     * Like Netty's merge cumulator, but the cumulation is always a heap buffer, so {@link #decode} can index its
     * array. A heap read (the AMI client reads into heap buffers, see {@code HeapReads}) is used as it is; a direct
     * one is copied once, which costs far less than reading it byte by byte.
     */
    private static final Cumulator HEAP_CUMULATOR = (alloc, cumulation, in) -> {
        if (!cumulation.isReadable() && in.hasArray()) {
            cumulation.release();
            return in;
        }
        try {
            int required = in.readableBytes();
            if (!cumulation.hasArray() || cumulation.refCnt() > 1 || cumulation.isReadOnly()
                    || required > cumulation.maxWritableBytes()) {
                ByteBuf merged = alloc.heapBuffer(Math.max(256, cumulation.readableBytes() + required));
                merged.writeBytes(cumulation);
                cumulation.release();
                cumulation = merged;
            }
            cumulation.writeBytes(in);
            return cumulation;
        } finally {
            in.release();
        }
    };

    private final int maxLineLength;
    private final int maxMessageSize;
    private final KeyCache keys = new KeyCache();
    private final ValueCache values = new ValueCache();

    private boolean expectBanner;

    // The message being assembled. A key is held as its KeyCache slot (headerKeyIds), an int: storing a String
    // reference per line into this long-lived array would cost a GC write barrier each time; only keys the cache
    // could not hold go into headerKeys (id -1). Values stay bytes (see AmiMessage.ofBytes): headerBounds locates
    // each value in the message's bytes, headerValues holds the few decoded at once (UTF-8 ones, the first
    // header's) and is null elsewhere.
    private int[] headerKeyIds = new int[32];
    private String[] headerKeys = new String[32];
    private String[] headerValues = new String[32];
    private boolean uncachedKeys;
    /** A hash of the message's key slots so far, for {@link KeyListCache}. */
    private int keyListHash;
    private final KeyListCache keyLists = new KeyListCache();
    private int[] headerBounds = new int[64];
    private int headerCount;
    /**
     * The message's bytes are copied once, when it ends, from the cumulation buffer ({@code [pendingFrom, copyTo)}
     * of the current array). Only when a message spans socket reads is its earlier part saved in {@code saved}
     * first, because the cumulation may be compacted or replaced between two {@link #decode} calls.
     */
    private byte[] saved = new byte[1024];
    private int savedLength;
    private int pendingFrom;
    private int copyTo;
    private int messageSize;
    /** Set while skipping the rest of a message that went over {@link #maxMessageSize}. */
    private boolean discardingMessage;
    /** Set while skipping the rest of a line that went over {@link #maxLineLength}. */
    private boolean discardingLine;
    private long discardedLineLength;
    private String discardedLineExcerpt;

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
        setCumulator(HEAP_CUMULATOR);
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
        // HEAP_CUMULATOR guarantees an array: the hot loop indexes it directly, without a virtual call per byte.
        byte[] a = in.array();
        int base = in.arrayOffset();
        int end = in.writerIndex();
        int r = in.readerIndex();
        pendingFrom = copyTo = base + r;
        try {
            while (r < end) {
                int lf = scanLine(a, base + r, base + end);
                if (lf < 0) {
                    saveMessageStart(a);
                    in.readerIndex(r);
                    guardPartialLine(in);
                    r = in.readerIndex();
                    return;
                }
                int lineStart = base + r;
                int lineEnd = lf > lineStart && a[lf - 1] == '\r' ? lf - 1 : lf;
                int consumed = lf + 1 - lineStart;
                r += consumed;
                if (discardingLine) {
                    discardingLine = false;
                    onLongLine(out, discardedLineLength + consumed, discardedLineExcerpt);
                    pendingFrom = copyTo = base + r; // nothing of the long line goes into the message
                    continue;
                }
                onLine(a, lineStart, lineEnd - lineStart, consumed, out);
            }
            saveMessageStart(a);
        } finally {
            in.readerIndex(r);
        }
    }

    /**
     * Finds the LF that ends the line starting at array index {@code from}, noting on the way the first colon and
     * whether the line is plain printable ASCII (CR and TAB allowed). One pass, because this runs over every byte
     * received. Eight bytes at a time: a word of plain key or value bytes costs a few arithmetic operations and one
     * branch; only the bytes that stop a word (the colon, the CR, the LF, anything outside printable ASCII) are
     * looked at one by one. One loop for the key (up to the first colon) and one for the value.
     *
     * @return the array index of the LF, or -1 if the line is not complete yet
     */
    private int scanLine(byte[] a, int from, int to) {
        boolean plain = true;
        int i = from;
        for (; ; i++) {
            if (i + 8 <= to) {
                long w = (long) LONGS.get(a, i);
                long stops = unusual(w) | colons(w);
                if (stops == 0) {
                    i += 7;
                    continue;
                }
                i += Long.numberOfTrailingZeros(stops) >>> 3;
            } else if (i == to) {
                return -1;
            }
            byte b = a[i];
            if (b == ':') {
                break;
            }
            if (!isPrintable(b)) {
                if (b == '\n') {
                    colon = -1;
                    printableAscii = plain;
                    return i;
                }
                plain &= b == '\r' || b == '\t';
            }
        }
        colon = i;
        for (i++; ; i++) {
            if (i + 8 <= to) {
                long w = (long) LONGS.get(a, i);
                long stops = unusual(w);
                if (stops == 0) {
                    i += 7;
                    continue;
                }
                i += Long.numberOfTrailingZeros(stops) >>> 3;
            } else if (i == to) {
                return -1;
            }
            byte b = a[i];
            if (!isPrintable(b)) {
                if (b == '\r' && i + 1 < to && a[i + 1] == '\n') {
                    i++; // the usual line end, taken in one step
                    b = '\n';
                }
                if (b == '\n') {
                    printableAscii = plain;
                    return i;
                }
                plain &= b == '\r' || b == '\t';
            }
        }
    }

    /** 0x20 to 0x7e in one comparison: adding one wraps DEL (0x7f) to -128, and bytes over 0x7f are negative. */
    private static boolean isPrintable(byte b) {
        return (byte) (b + 1) > 0x20;
    }

    /**
     * The high bit of each byte of {@code w} (little-endian: the lowest byte comes first) that is outside 0x20 to
     * 0x7e: under 0x20 borrows in {@code w - 0x20..}, over 0x7f has it already, 0x7f gets it in {@code w + 0x01..}.
     * A borrow or carry can also mark a byte after the first marked one, never before: only the lowest mark is used.
     */
    private static long unusual(long w) {
        return ((w - SPACES) | w | (w + ONES)) & HIGHS;
    }

    /** The high bit of each colon byte of {@code w} (exact for the lowest, as for {@link #unusual}). */
    private static long colons(long w) {
        long x = w ^ COLONS;
        return (x - ONES) & ~x & HIGHS;
    }

    /** No line end yet: keep waiting, unless the partial line is already over the limit. */
    private void guardPartialLine(ByteBuf in) {
        int pending = in.readableBytes();
        // +1: the CR of a line exactly at the limit may wait for its LF.
        if (discardingLine || pending > maxLineLength + 1) {
            // Drop it now rather than buffering an unbounded line; the tail is skipped up to the next LF.
            if (!discardingLine) {
                discardingLine = true;
                discardedLineLength = 0;
                discardedLineExcerpt = excerpt(in.array(), in.arrayOffset() + in.readerIndex(), pending);
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

    /**
     * One complete line, {@code a[start, start + length)} without its line end. The common case (a printable
     * {@code Key: Value} header inside a message of legal size) is kept small enough for the JIT to inline it into
     * the decode loop; everything else goes to {@link #onOtherLine}.
     */
    private void onLine(byte[] a, int start, int length, int consumed, List<Object> out) {
        if (length == 0) {
            endOfMessage(a, start + consumed, out);
            return;
        }
        int keyEnd = colon;
        if (length > maxLineLength || expectBanner || discardingMessage || !printableAscii || keyEnd <= start) {
            onOtherLine(a, start, length, consumed, out);
            return;
        }
        addToMessageSize(consumed);
        if (discardingMessage) {
            return;
        }
        addAsciiHeader(a, start, keyEnd, start + length);
    }

    /**
     * A header of a printable-ASCII line: the value after the colon at {@code keyEnd}, one space dropped, stays in
     * the bytes. The first header's value (the event name, or Response, Action) is wanted for nearly every
     * message, so it is decoded at once, through the cache that shares one String per event name.
     */
    private void addAsciiHeader(byte[] a, int start, int keyEnd, int lineEnd) {
        int valueStart = keyEnd + 1;
        if (valueStart < lineEnd && a[valueStart] == ' ') {
            valueStart++;
        }
        int h = headerCount;
        if (h == headerKeys.length) {
            growHeaders();
        }
        int keyId = keys.slotOf(a, start, keyEnd - start);
        headerKeyIds[h] = keyId;
        keyListHash = 31 * keyListHash + keyId;
        if (keyId < 0) {
            headerKeys[h] = KeyCache.newKey(a, start, keyEnd - start);
            uncachedKeys = true;
        }
        if (h == 0) {
            headerValues[0] = values.intern(a, valueStart, lineEnd - valueStart);
        }
        int base = savedLength - pendingFrom;
        headerBounds[2 * h] = base + valueStart;
        headerBounds[2 * h + 1] = base + lineEnd;
        copyTo = lineEnd;
        headerCount = h + 1;
    }

    /** Every line but the common case: empty-key, no colon, non-ASCII, too long, the banner, inside a discard. */
    private void onOtherLine(byte[] a, int start, int length, int consumed, List<Object> out) {
        if (length > maxLineLength) {
            onLongLine(out, consumed, excerpt(a, start, length));
            return;
        }
        if (expectBanner) {
            expectBanner = false;
            if (colon < 0 && headerCount == 0 && printableAscii) {
                out.add(new AmiBanner(new String(a, start, length, StandardCharsets.US_ASCII)));
                return;
            }
        }
        addToMessageSize(consumed);
        if (discardingMessage) {
            return;
        }
        boolean ascii = printableAscii;
        int keyEnd = colon;
        if (!ascii && !isText(a, start, length)) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.BINARY_LINE,
                    "line of " + length + " bytes holds control or non-UTF-8 bytes; skipped",
                    excerpt(a, start, length)));
            return;
        }
        if (keyEnd <= start) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.LINE_WITHOUT_COLON,
                    keyEnd < 0 ? "header line has no colon; skipped" : "header line has an empty key; skipped",
                    excerpt(a, start, length)));
            return;
        }
        if (ascii) {
            addAsciiHeader(a, start, keyEnd, start + length);
            return;
        }
        int valueStart = keyEnd + 1;
        int lineEnd = start + length;
        if (valueStart < lineEnd && a[valueStart] == ' ') {
            valueStart++;
        }
        addDecodedHeader(new String(a, start, keyEnd - start, StandardCharsets.UTF_8),
                new String(a, valueStart, lineEnd - valueStart, StandardCharsets.UTF_8));
    }

    private void addToMessageSize(long bytes) {
        messageSize = (int) Math.min(Integer.MAX_VALUE, messageSize + bytes);
        if (!discardingMessage && messageSize > maxMessageSize) {
            discardingMessage = true;
            clearHeaders();
        }
    }

    private void endOfMessage(byte[] a, int next, List<Object> out) {
        if (discardingMessage) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.MESSAGE_TOO_LARGE,
                    "message of " + messageSize + " bytes is over the limit of " + maxMessageSize
                            + " bytes; discarded", ""));
            discardingMessage = false;
        } else if (headerCount > 0) {
            // One copy of the message's bytes, and exact-size copies of the header arrays: the message owns them;
            // the scratch arrays are reused for the next message.
            int tail = copyTo - pendingFrom;
            byte[] bytes = Arrays.copyOf(saved, savedLength + tail);
            System.arraycopy(a, pendingFrom, bytes, savedLength, tail);
            int n = headerCount;
            boolean shareable = !uncachedKeys && n <= KeyListCache.MAX_KEYS;
            String[] messageKeys = shareable ? keyLists.find(headerKeyIds, n, keyListHash) : null;
            if (messageKeys == null) {
                messageKeys = new String[n];
                for (int i = 0; i < n; i++) {
                    messageKeys[i] = headerKey(i);
                }
                if (shareable) {
                    keyLists.add(headerKeyIds, n, keyListHash, messageKeys);
                }
            }
            out.add(AmiMessage.ofBytes(messageKeys, Arrays.copyOf(headerValues, n), bytes,
                    Arrays.copyOf(headerBounds, 2 * n)));
        }
        // A blank line between messages (or after skipped lines only) is harmless and produces nothing.
        clearHeaders();
        messageSize = 0;
        expectBanner = false;
        resetSaved();
        pendingFrom = copyTo = next;
    }

    /**
     * The read ends inside a message: save what its headers need of this array, since the cumulation may be
     * compacted before the next {@link #decode}, which starts counting from its own reader index.
     */
    private void saveMessageStart(byte[] a) {
        int n = copyTo - pendingFrom;
        if (headerCount == 0 || n <= 0) {
            return;
        }
        if (savedLength + n > saved.length) {
            // At most maxMessageSize: the header bytes are counted in messageSize.
            saved = Arrays.copyOf(saved, Math.max(savedLength + n, 2 * saved.length));
        }
        System.arraycopy(a, pendingFrom, saved, savedLength, n);
        savedLength += n;
        pendingFrom = copyTo;
    }

    private void resetSaved() {
        savedLength = 0;
        if (saved.length > 64 * 1024) {
            saved = new byte[1024]; // a huge message (a long Command output) does not pin its buffer
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        int partial = in.readableBytes();
        if (headerCount > 0 || discardingMessage || discardingLine || partial > 0) {
            String excerpt = partial > 0 ? excerpt(in.array(), in.arrayOffset() + in.readerIndex(), partial)
                    : headerCount > 0 ? headerKey(0) + ": " + headerValues[0] : "";
            out.add(new AmiDecodeError(AmiDecodeError.Kind.TRUNCATED_AT_EOF,
                    "connection closed inside a message: " + headerCount + " complete header(s) and "
                            + partial + " byte(s) of a partial line lost", excerpt));
            in.skipBytes(partial);
            clearHeaders();
            discardingMessage = false;
            discardingLine = false;
        }
    }

    /** A header decoded already (a UTF-8 line): nothing of it is needed from the bytes. */
    private void addDecodedHeader(String key, String value) {
        int h = headerCount;
        if (h == headerKeys.length) {
            growHeaders();
        }
        headerKeyIds[h] = -1;
        headerKeys[h] = key;
        uncachedKeys = true;
        headerValues[h] = value;
        headerBounds[2 * h] = 0;
        headerBounds[2 * h + 1] = 0;
        headerCount = h + 1;
    }

    private String headerKey(int h) {
        int id = headerKeyIds[h];
        return id >= 0 ? keys.key(id) : headerKeys[h];
    }

    private void growHeaders() {
        headerKeyIds = Arrays.copyOf(headerKeyIds, headerCount * 2);
        headerKeys = Arrays.copyOf(headerKeys, headerCount * 2);
        headerValues = Arrays.copyOf(headerValues, headerCount * 2);
        headerBounds = Arrays.copyOf(headerBounds, headerCount * 4);
    }

    private void clearHeaders() {
        if (uncachedKeys) {
            Arrays.fill(headerKeys, 0, headerCount, null);
            uncachedKeys = false;
        }
        Arrays.fill(headerValues, 0, headerCount, null);
        headerCount = 0;
        keyListHash = 0;
        resetSaved();
    }

    /** Text that is not plain ASCII: no control bytes, and valid UTF-8. The rare path. */
    private static boolean isText(byte[] a, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            int c = a[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(a, start, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The start of a bad line for the log: printable ASCII kept, anything else shown as '.'. */
    static String excerpt(byte[] a, int start, int length) {
        int n = Math.min(length, EXCERPT);
        StringBuilder sb = new StringBuilder(n);
        for (int i = start, end = start + n; i < end; i++) {
            int b = a[i] & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.toString();
    }
}
