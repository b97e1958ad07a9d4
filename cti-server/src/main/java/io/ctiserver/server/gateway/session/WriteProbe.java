package io.ctiserver.server.gateway.session;

/**
 * Told of each event frame the moment its bytes are on the desktop's socket (handed to the kernel): for
 * {@code bench presence}, which measures the gateway's own fan-out time without the desktops' side. A gateway in
 * production has none, and pays one null check per frame for the hook.
 */
public interface WriteProbe {

    /**
     * On the connection's event loop, from the write's completion: a frame of {@code body} (which carries
     * {@link SharedBody#enteredNanos()}) was written at {@code writtenNanos} ({@code System.nanoTime()}).
     * Must not block.
     */
    void written(SharedBody body, long writtenNanos);
}
