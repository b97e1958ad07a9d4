package io.ctiserver.server.ami.codec;

/**
 * Emitted by {@link AmiDecoder} in place of (or besides) a message it could not decode, so that the next handler can
 * log it precisely and the connection can go on. The decoder has already resynchronised on the next message.
 *
 * @param kind    what was wrong
 * @param detail  a human-readable description with sizes and limits
 * @param excerpt the start of the offending bytes, printable characters only, at most 80 characters
 */
public record AmiDecodeError(Kind kind, String detail, String excerpt) {

    public enum Kind {
        /** A header line without a colon; the line was skipped, the rest of the message kept. */
        LINE_WITHOUT_COLON,
        /** A line with control characters or bytes that are not text; the line was skipped. */
        BINARY_LINE,
        /** A line longer than the limit; the line was skipped. */
        LINE_TOO_LONG,
        /** A message larger than the limit; the whole message was discarded up to its blank line. */
        MESSAGE_TOO_LARGE,
        /** The connection closed in the middle of a message; what had arrived is lost. */
        TRUNCATED_AT_EOF
    }
}
