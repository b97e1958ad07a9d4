package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.contract.Contracts;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A desktop as a user runs one: logs in over REST, then reads the WebSocket with the JDK's client. */
public final class DesktopClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final java.util.concurrent.LinkedBlockingDeque<JsonNode> frames = new java.util.concurrent.LinkedBlockingDeque<>();
    /** Messages that do not match the AsyncAPI document: the test that saw them fails. */
    /** Frames checked against the contract so far, per message type (see Contracts.sampledWsMessageProblems). */
    private final java.util.Map<String, Integer> contractSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;
    private String token;
    private int port;

    public static DesktopClient login(int port, String user, String password) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(java.util.Map.of("username", user, "password", password))))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        contract("POST", "/api/login", r);
        if (r.statusCode() != 200) {
            throw new AssertionError("login of " + user + ": " + r.statusCode() + " " + r.body());
        }
        String token = JSON.readTree(r.body()).path("token").asText();
        DesktopClient c = new DesktopClient();
        c.token = token;
        c.port = port;
        c.ws = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), c)
                .get(5, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                violations.addAll(Contracts.get().sampledWsMessageProblems(partial.toString(), contractSeen, 20));
                frames.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                throw new AssertionError("desktop got a frame that is not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    /** The next frame matching {@code p}, skipping others; fails after {@code timeout}. */
    public JsonNode await(Predicate<JsonNode> p, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkContract();
            long left = deadline - System.nanoTime();
            JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("desktop did not receive " + what + " within " + timeout);
            }
            if (p.test(f)) {
                return f;
            }
        }
    }

    /**
     * Like {@link #await}, but the frames it passes over stay queued, in order, for the next await: a command's
     * {@code result} and the events the command causes race to the desktop (the fan-out thread may deliver an event
     * before the result is written), so waiting for the result must not throw the event away.
     */
    public JsonNode awaitKeepingOthers(Predicate<JsonNode> p, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.List<JsonNode> passed = new java.util.ArrayList<>();
        try {
            while (true) {
                checkContract();
                long left = deadline - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) {
                    throw new AssertionError("desktop did not receive " + what + " within " + timeout);
                }
                if (p.test(f)) {
                    return f;
                }
                passed.add(f);
            }
        } finally {
            for (int i = passed.size() - 1; i >= 0; i--) {
                frames.addFirst(passed.get(i));
            }
        }
    }

    /** Every frame received so far and not yet consumed by {@link #await}. */
    public java.util.List<JsonNode> drain() {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    String token() {
        return token;
    }

    /** Sends one JSON message on the WebSocket. */
    void send(Object message) throws Exception {
        ws.sendText(JSON.writeValueAsString(message), true).get(5, TimeUnit.SECONDS);
    }

    /** Drops the connection without a close handshake (a desktop that went away). */
    void drop() {
        ws.abort();
    }

    /** Connects again as the same session, asking for the events after {@code lastSeq}. */
    void resume(String session, long lastSeq) throws Exception {
        frames.clear();
        ws = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token + "&session=" + session
                        + "&lastSeq=" + lastSeq), this)
                .get(5, TimeUnit.SECONDS);
    }

    /** The HTTP status of a login attempt. */
    static int loginStatus(int port, String user, String password) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(java.util.Map.of("username", user, "password", password))))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        contract("POST", "/api/login", r);
        return r.statusCode();
    }

    /** A REST GET with this desktop's token; returns the status and the parsed body. */
    public Rest get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        contract("GET", pathAndQuery, r);
        return new Rest(r.statusCode(), JSON.readTree(r.body()));
    }

    public record Rest(int status, JsonNode body) {
    }

    /** Fails when a REST answer does not match the OpenAPI document. */
    static void contract(String method, String path, HttpResponse<String> r) {
        java.util.List<String> p = Contracts.get().restAnswerProblems(method, path, r.statusCode(),
                r.headers().firstValue("content-type").orElse(null), r.body());
        if (!p.isEmpty()) {
            throw new AssertionError("REST answer breaks the OpenAPI contract: " + p);
        }
    }

    /** Fails when a WebSocket message received so far did not match the AsyncAPI document. */
    public void checkContract() {
        if (!violations.isEmpty()) {
            throw new AssertionError("WebSocket messages break the AsyncAPI contract: " + violations);
        }
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
        checkContract();
    }
}
