package io.ctiserver.server.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between an AMI client and the simulator that cuts the link on demand at a random byte of the next
 * chunk Asterisk sends: mostly in the middle of a message, as a network failure would. One connection at a time.
 */
final class CutProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final Random random;
    private volatile Link current;
    final AtomicInteger cuts = new AtomicInteger();
    final AtomicInteger midMessage = new AtomicInteger();

    CutProxy(int upstreamPort, Random random) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.random = random;
        Thread t = new Thread(this::acceptLoop, "cut-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                client.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                Link l = new Link(client, up);
                current = l;
                l.start();
            } catch (IOException e) {
                // closed, or the simulator refused: the client retries
            }
        }
    }

    /**
     * Cuts the current link inside the next chunk from the PBX (at a random byte of it), or after {@code idleMs}
     * without one. Returns once both sockets are closed.
     */
    void cut(long idleMs) throws InterruptedException {
        Link l = current;
        if (l == null) {
            return;
        }
        int bytes;
        synchronized (random) {
            bytes = random.nextInt(1 << 16);
        }
        l.cutAt = bytes;
        l.cutRequested = true;
        if (!l.closed.await(idleMs, TimeUnit.MILLISECONDS)) {
            l.close(); // nothing came: cut at a message boundary
        }
        cuts.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Link l = current;
        if (l != null) {
            l.close();
        }
    }

    private final class Link {
        final Socket client;
        final Socket up;
        final CountDownLatch closed = new CountDownLatch(1);
        volatile boolean cutRequested;
        volatile int cutAt;
        /** The last four bytes sent to the client: "\r\n\r\n" means the cut fell between messages. */
        private final byte[] tail = new byte[4];

        Link(Socket client, Socket up) {
            this.client = client;
            this.up = up;
        }

        void start() {
            daemon(() -> pump(false), "cut-proxy-down").start();
            daemon(() -> pump(true), "cut-proxy-up").start();
        }

        private void pump(boolean toPbx) {
            byte[] buf = new byte[8192];
            try (InputStream in = (toPbx ? client : up).getInputStream()) {
                OutputStream out = (toPbx ? up : client).getOutputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (!toPbx && cutRequested) {
                        int keep = cutAt % n;
                        out.write(buf, 0, keep);
                        out.flush();
                        remember(buf, keep);
                        if (!(tail[0] == '\r' && tail[1] == '\n' && tail[2] == '\r' && tail[3] == '\n')) {
                            midMessage.incrementAndGet();
                        }
                        close();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    if (!toPbx) {
                        remember(buf, n);
                    }
                }
            } catch (IOException e) {
                // the other side closed
            }
            close();
        }

        private void remember(byte[] buf, int n) {
            for (int i = Math.max(0, n - 4); i < n; i++) {
                System.arraycopy(tail, 1, tail, 0, 3);
                tail[3] = buf[i];
            }
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing
            }
            try {
                up.close();
            } catch (IOException ignored) {
                // closing
            }
            closed.countDown();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
