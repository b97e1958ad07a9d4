package io.ctiserver.ami;

/**
 * The single consumer of one PBX's AMI stream. Calls come from one thread, in wire order; the state tracker is the
 * usual implementation.
 */
public interface AmiListener {

    /** An event (or an unsolicited message) from the PBX, tagged with its PBX id and receive time. */
    void onMessage(AmiMessage message);

    /**
     * The link changed state. Delivered in order with the messages, so that a listener sees every event received
     * before a disconnect before it sees the disconnect.
     */
    default void onLinkState(String pbx, AmiLinkState state, String detail) {
    }
}
