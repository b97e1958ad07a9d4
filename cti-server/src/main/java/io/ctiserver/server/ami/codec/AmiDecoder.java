package io.ctiserver.server.ami.codec;

import io.ctiserver.ami.AmiMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.CharacterCodingException;
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
 *   <li>{@link AmiBanner} for the greeting line, when {@code expectBanner} (the client side);</li>
 *   <li>{@link AmiMessage} for each message; a repeated key keeps every value, in order;</li>
 *   <li>{@link AmiDecodeError} for input it had to skip. The decoder never throws for bad input: it skips the bad
 *       line or message, resynchronises on the next blank line and goes on, so one bad event never costs the
 *       connection (and with it every event Asterisk sends during the reconnect).</li>
 * </ul>
 *
 * <h2>Memory limits</h2>
 * <ul>
 *   <li>{@code maxLineLength} (default {@value #DEFAULT_MAX_LINE_LENGTH} bytes): a longer line is discarded as it
 *       streams in, so it never accumulates in the cumulation buffer;</li>
 *   <li>{@code maxMessageSize} (default {@value #DEFAULT_MAX_MESSAGE_SIZE} bytes, counting every line and its line
 *       end): a larger message is discarded up to its blank line and reported once.</li>
 * </ul>
 * At most {@code maxLineLength} bytes of one line plus {@code maxMessageSize} bytes of headers are ever held.
 *
 * <h2>Text</h2>
 * Header values are decoded as UTF-8 (Asterisk sends caller names in UTF-8); pure ASCII lines take a fast path.
 * Keys are split from values on the first colon, and one space after it is dropped; values may contain {@code ": "}
 * and may be empty.
 */
public class AmiDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

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
    private int discardedLineLength;

    public AmiDecoder(boolean expectBanner) {
        this(expectBanner, DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_MESSAGE_SIZE);
    }

    public AmiDecoder(boolean expectBanner, int maxLineLength, int maxMessageSize) {
        if (maxLineLength < 16 || maxMessageSize < maxLineLength) {
            throw new IllegalArgumentException("need 16 <= maxLineLength <= maxMessageSize, got "
                    + maxLineLength + " and " + maxMessageSize);
        }
        this.expectBanner = expectBanner;
        this.maxLineLength = maxLineLength;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int lf = in.forEachByte(ByteProcessor.FIND_LF);
            if (lf < 0) {
                guardPartialLine(in, out);
                return;
            }
            int lineStart = in.readerIndex();
            int lineEnd = lf > lineStart && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            int consumed = lf + 1 - lineStart;
            in.readerIndex(lf + 1);
            if (discardingLine) {
                discardingLine = false;
                reportLongLine(out, discardedLineLength + consumed);
                continue;
            }
            onLine(in, lineStart, lineEnd - lineStart, consumed, out);
        }
    }

    /** No line end yet: keep waiting, unless the partial line is already over the limit. */
    private void guardPartialLine(ByteBuf in, List<Object> out) {
        int pending = in.readableBytes();
        if (pending > maxLineLength) {
            // Drop it now rather than buffering an unbounded line; the tail is skipped up to the next LF.
            if (!discardingLine) {
                discardingLine = true;
                discardedLineLength = 0;
            }
            discardedLineLength += pending;
            in.skipBytes(pending);
        }
    }

    private void reportLongLine(List<Object> out, int length) {
        messageSize += length;
        out.add(new AmiDecodeError(AmiDecodeError.Kind.LINE_TOO_LONG,
                "line of " + length + " bytes is over the limit of " + maxLineLength + "; skipped", ""));
    }

    private void onLine(ByteBuf in, int start, int length, int consumed, List<Object> out) {
        if (length == 0) {
            endOfMessage(out);
            return;
        }
        if (length > maxLineLength) {
            reportLongLine(out, consumed);
            return;
        }
        if (expectBanner && headerCount == 0 && !discardingMessage) {
            expectBanner = false;
            if (in.indexOf(start, start + length, (byte) ':') < 0) {
                out.add(new AmiBanner(in.toString(start, length, StandardCharsets.UTF_8)));
                return;
            }
        }
        messageSize += consumed;
        if (discardingMessage) {
            return;
        }
        if (messageSize > maxMessageSize) {
            discardingMessage = true;
            clearHeaders();
            return;
        }
        int colon = in.indexOf(start, start + length, (byte) ':');
        boolean ascii = isPrintableAscii(in, start, length);
        if (!ascii && !isText(in, start, length)) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.BINARY_LINE,
                    "line of " + length + " bytes holds control or non-text bytes; skipped", excerpt(in, start, length)));
            return;
        }
        if (colon <= start) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.LINE_WITHOUT_COLON,
                    "header line has no 'Key:' part; skipped", excerpt(in, start, length)));
            return;
        }
        String key = keys.intern(in, start, colon - start);
        int valueStart = colon + 1;
        if (valueStart < start + length && in.getByte(valueStart) == ' ') {
            valueStart++;
        }
        int valueLength = start + length - valueStart;
        String value = valueLength == 0 ? ""
                : in.toString(valueStart, valueLength, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        addHeader(key, value);
    }

    private void endOfMessage(List<Object> out) {
        if (discardingMessage) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.MESSAGE_TOO_LARGE,
                    "message of " + messageSize + " bytes is over the limit of " + maxMessageSize + "; discarded", ""));
            discardingMessage = false;
        } else if (headerCount > 0) {
            out.add(AmiMessage.ofOwnedArrays(headerKeys, headerValues, headerCount));
            // The arrays now belong to the message: start fresh ones, sized like this message.
            int size = Math.max(8, headerCount + 4);
            headerKeys = new String[size];
            headerValues = new String[size];
        }
        // A blank line between messages (or one after skipped lines only) is harmless and produces nothing.
        headerCount = 0;
        messageSize = 0;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        int partial = in.readableBytes();
        if (headerCount > 0 || discardingMessage || discardingLine || partial > 0) {
            out.add(new AmiDecodeError(AmiDecodeError.Kind.TRUNCATED_AT_EOF,
                    "connection closed inside a message: " + headerCount + " complete header(s) and "
                            + partial + " byte(s) of a partial line lost", excerpt(in, in.readerIndex(), partial)));
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
        messageSize = 0;
    }

    private static boolean isPrintableAscii(ByteBuf in, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            byte b = in.getByte(i);
            if (b < 0x20 && b != '\t' || b >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Text that is not plain ASCII: no control bytes, and valid UTF-8. */
    private static boolean isText(ByteBuf in, int start, int length) {
        for (int i = start, end = start + length; i < end; i++) {
            byte b = in.getByte(i);
            if (b >= 0 && b < 0x20 && b != '\t' || b == 0x7f) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(in.nioBuffer(start, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String excerpt(ByteBuf in, int start, int length) {
        StringBuilder sb = new StringBuilder(Math.min(length, 80));
        for (int i = start, end = start + Math.min(length, 80); i < end; i++) {
            int b = in.getByte(i) & 0xff;
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return sb.toString();
    }

    /**
     * Header keys repeat in every event ("Channel", "Uniqueid", ...): keep one String per distinct key instead of
     * allocating a new one per line. A small direct-mapped table; a collision just allocates.
     */
    private static final class KeyCache {
        private final String[] table = new String[512];

        String intern(ByteBuf in, int start, int length) {
            int h = 0;
            for (int i = start, end = start + length; i < end; i++) {
                h = 31 * h + in.getByte(i);
            }
            int slot = (h ^ (h >>> 16)) & (table.length - 1);
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
            for (int i = 0; i < length; i++) {
                if (s.charAt(i) != (char) (in.getByte(start + i) & 0xff)) {
                    return false;
                }
            }
            return true;
        }
    }
}
