package io.ctiserver.server.omni;

/**
 * The customer's side of a conversation: a chat WebSocket while connected, the mail sender for email. Called on the
 * omni thread; never blocks (a connection queues the frame or closes itself when the customer does not read).
 */
public interface CustomerLink {

    /** A JSON object for the customer. */
    void send(byte[] frame);

    /** The conversation is over: a last frame, then the link is let go. */
    void close(byte[] lastFrame);
}
