package io.ctiserver.server.agi;

/**
 * Told of FastAGI connections and script sessions, for metrics. Called on the connection's event loop: an
 * implementation only counts, it never blocks.
 */
public interface AgiObserver {

    /** A connection from Asterisk was accepted. */
    void connectionOpened();

    /** That connection closed. */
    void connectionClosed();

    /** A script started; {@code script} is the request's script name ({@code route}, {@code survey}, or unknown). */
    void sessionStarted(String script);

    /** The script ended; {@code ok} false when it failed (timeout, protocol error, hang-up mid-script). */
    void sessionEnded(String script, boolean ok);

    AgiObserver NONE = new AgiObserver() {
        @Override
        public void connectionOpened() {
        }

        @Override
        public void connectionClosed() {
        }

        @Override
        public void sessionStarted(String script) {
        }

        @Override
        public void sessionEnded(String script, boolean ok) {
        }
    };
}
