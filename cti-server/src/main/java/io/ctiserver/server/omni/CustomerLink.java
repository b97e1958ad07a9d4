package io.ctiserver.server.omni;

/**
 * The customer's side of a conversation: a chat WebSocket while connected, the mail sender for email. Called on the
 * omni thread; never blocks (a connection queues the frame or closes itself when the customer does not read).
 */
public interface CustomerLink {

    /** A JSON object for the customer. */
    void send(byte[] frame);

    /**
     * A frame of the replay on resume: not counted against the bound of frames waiting, since the replay is bounded
     * by the transcript and counting it would close a customer for what they missed rather than for not reading.
     */
    default void replay(byte[] frame) {
        send(frame);
    }

    /** The conversation is over: a last frame, then the link is let go. */
    void close(byte[] lastFrame);
}
