package io.ctiserver.server.ami;

import io.ctiserver.ami.AmiMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A small AMI server for tests, over real TCP on an ephemeral port: each accepted connection runs a script on its
 * own thread with plain blocking sockets (deliberately not our Netty code), typically replaying capture bytes.
 */
final class ScriptedAmiServer implements AutoCloseable {

    interface Script {
        void run(Conn conn) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<AmiMessage> actions = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ScriptedAmiServer(Script script) throws IOException {
        this(ServerSocketFactory.getDefault(), script);
    }

    ScriptedAmiServer(ServerSocketFactory factory, Script script) throws IOException {
        this.server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread acceptor = new Thread(this::accept, "scripted-ami-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Every action received, on every connection, in order of arrival. */
    List<AmiMessage> actions() {
        return actions;
    }

    long count(String action) {
        return actions.stream().filter(a -> action.equalsIgnoreCase(a.action())).count();
    }

    List<Throwable> failures() {
        return failures;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-ami-conn-" + connections.get());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            script.run(new Conn(s));
        } catch (IOException e) {
            // The client went away: normal at the end of most scripts.
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** One accepted connection. */
    final class Conn {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void banner() throws IOException {
            send("Asterisk Call Manager/11.0.0\r\n");
        }

        void send(String raw) throws IOException {
            send(raw.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] raw) throws IOException {
            out.write(raw);
            out.flush();
        }

        /** The next action (parsed with a few lines of code, independent of the decoder), or null at EOF. */
        AmiMessage readAction() throws IOException {
            AmiMessage.Builder b = AmiMessage.builder();
            int headers = 0;
            while (true) {
                String line = readLine();
                if (line == null) {
                    return null;
                }
                if (line.isEmpty()) {
                    if (headers > 0) {
                        AmiMessage action = b.build();
                        actions.add(action);
                        return action;
                    }
                    continue;
                }
                int colon = line.indexOf(':');
                b.add(line.substring(0, colon), line.substring(colon + 1).strip());
                headers++;
            }
        }

        /** Plays the login side of capture 01: banner, Login accepted, FullyBooted, SuccessfulAuth. */
        AmiMessage acceptLogin() throws IOException {
            banner();
            AmiMessage login = readAction();
            if (login == null) {
                return null;
            }
            List<String> blocks = CaptureBlocks.of("01_banner_login_ping.txt");
            send(CaptureBlocks.withActionId(blocks.get(0), login.actionId()) + blocks.get(1) + blocks.get(2));
            return login;
        }

        void close() throws IOException {
            socket.close();
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return null;
        }
    }
}
