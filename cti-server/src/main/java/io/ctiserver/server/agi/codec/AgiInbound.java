package io.ctiserver.server.agi.codec;

/** What {@link AgiDecoder} reads from Asterisk: the environment block, then replies, hangup notices or errors. */
public sealed interface AgiInbound permits AgiRequest, AgiReply, AgiHangup, AgiDecodeError {
}
