package io.ctiserver.server.agi.codec;

/**
 * The {@code HANGUP} line: Asterisk sends it inline with the dialog when the channel hangs up during the script
 * (unless AGISIGHUP=no). Commands after it run on a dead channel; most answer {@code 511}.
 */
public record AgiHangup() implements AgiInbound {
    public static final AgiHangup INSTANCE = new AgiHangup();
}
