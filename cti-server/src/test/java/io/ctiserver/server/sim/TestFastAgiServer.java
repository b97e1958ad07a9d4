package io.ctiserver.server.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny FastAGI server for tests: reads the environment block, then sends the commands a script gives for that
 * environment, one at a time, recording each reply; closes when done. In silent mode it reads the environment and
 * never answers (a CTI server that hangs).
 */
final class TestFastAgiServer implements AutoCloseable {

    /** One session: the environment received and the replies to the commands. */
    record Session(Map<String, String> env, List<String> replies) {
    }

    private final ServerSocket socket;
    private final Function<Map<String, String>, List<String>> script;
    private final boolean silent;
    final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    TestFastAgiServer(Function<Map<String, String>, List<String>> script, boolean silent) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.silent = silent;
        Thread t = new Thread(this::acceptLoop, "test-fastagi");
        t.setDaemon(true);
        t.start();
    }

    /** The dialog of capture agi/agi_dialog_local_channel_queue_support.txt, routing to {@code queueVar=queue}. */
    static TestFastAgiServer replayingCapture(String routeVar, String queue) throws IOException {
        int[] n = {0};
        return new TestFastAgiServer(env -> List.of(
                "VERBOSE \"CTI FastAGI request route for " + env.get("agi_channel") + "\" 1",
                "GET VARIABLE CHANNEL(name)",
                "SET VARIABLE " + routeVar + " \"" + queue + "\"",
                "SET VARIABLE CTI_AGI_SESSION \"" + (++n[0]) + "\""), false);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "test-fastagi-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            Map<String, String> env = new LinkedHashMap<>();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(": ");
                env.put(line.substring(0, colon), line.substring(colon + 2));
            }
            List<String> replies = new ArrayList<>();
            sessions.add(new Session(env, replies));
            if (silent) {
                while (in.readLine() != null) {
                    // hold the session open, say nothing
                }
                return;
            }
            for (String cmd : script.apply(env)) {
                out.write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                replies.add(in.readLine());
            }
        } catch (IOException e) {
            // the simulator closed the session: nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
