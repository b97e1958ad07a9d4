package io.ctiserver.server.agi.codec;

/**
 * Input the decoder could not take. {@code fatal} errors (a malformed or oversized environment block) leave the
 * session without a usable request: the session handler logs and closes. A bad reply line is not fatal to the
 * decoder, but the command it answered gets this error.
 *
 * @param line the offending line (cut to 200 characters), for the log
 */
public record AgiDecodeError(boolean fatal, String reason, String line) implements AgiInbound {
}
