package io.ctiserver.server.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The live suite's judge: its own AMI session, independent of the server's AMI client and tracker, that records
 * every event Asterisk sends (as the manager user sees them, filters included) so that a test can ask "did Asterisk
 * emit a BlindTransfer for this channel". A plain blocking socket and a reader thread: the code under test is not
 * used to decide whether it worked.
 */
final class AmiObserver implements AutoCloseable {

    /** One event: its headers in order (a header given twice keeps the first value; live events need no more). */
    record Event(Map<String, String> headers) {

        String name() {
            return headers.getOrDefault("Event", "");
        }

        String get(String key) {
            return headers.get(key);
        }

        boolean is(String event) {
            return name().equalsIgnoreCase(event);
        }

        @Override
        public String toString() {
            return headers.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ", "{", "}"));
        }
    }

    private final Socket socket;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile String loginResponse;

    private AmiObserver(Socket socket) {
        this.socket = socket;
        this.reader = new Thread(this::readLoop, "live-ami-observer");
        this.reader.setDaemon(true);
    }

    /** Connects, logs in with Events on, and waits for Asterisk's answer to the login. */
    static AmiObserver connect(String host, int port, String user, String secret) throws IOException,
            InterruptedException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        AmiObserver o = new AmiObserver(socket);
        o.reader.start();
        o.write("Action: Login\r\nActionID: observer-login\r\nUsername: " + user + "\r\nSecret: " + secret
                + "\r\nEvents: on\r\n\r\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (o.loginResponse == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!"Success".equalsIgnoreCase(o.loginResponse)) {
            o.close();
            throw new AssertionError("the observer's AMI login to " + host + ":" + port + " as " + user
                    + " was answered: " + o.loginResponse);
        }
        return o;
    }

    private synchronized void write(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void readLoop() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8))) {
            in.readLine(); // the banner: Asterisk Call Manager/x.y.z
            Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                    }
                    continue;
                }
                if (headers.isEmpty()) {
                    continue;
                }
                if ("observer-login".equals(headers.get("ActionID"))) {
                    String response = headers.getOrDefault("Response", "?");
                    loginResponse = "Success".equalsIgnoreCase(response) ? "Success"
                            : response + ": " + headers.get("Message");
                } else if (headers.containsKey("Event")) {
                    events.add(new Event(Map.copyOf(headers)));
                }
                headers = new LinkedHashMap<>();
            }
        } catch (IOException e) {
            if (loginResponse == null) {
                loginResponse = "connection failed: " + e;
            }
        }
    }

    /** How many events have been seen so far: a mark to search from. */
    int mark() {
        return events.size();
    }

    /** Every event seen since {@code mark} that matches. */
    List<Event> since(int mark, Predicate<Event> p) {
        List<Event> out = new ArrayList<>();
        for (int i = mark; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                out.add(events.get(i));
            }
        }
        return out;
    }

    /** The first event since {@code mark} that matches, waiting up to {@code timeout} for it. */
    Event await(int mark, Predicate<Event> p, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Event> found = since(mark, p);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Asterisk sent no " + what + " within " + timeout.toSeconds()
                        + " s; events since the step: " + summary(mark));
            }
            Thread.sleep(50);
        }
    }

    /** Event names (and channels) since {@code mark}, for failure messages. */
    String summary(int mark) {
        return since(mark, e -> true).stream()
                .filter(e -> !e.is("VarSet") && !e.is("Newexten") && !e.is("QueueMemberStatus"))
                .map(e -> e.name() + (e.get("Channel") != null ? "(" + e.get("Channel") + ")" : ""))
                .collect(Collectors.joining(" "));
    }

    @Override
    public void close() {
        try {
            write("Action: Logoff\r\n\r\n");
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release beyond the socket
        }
    }
}
