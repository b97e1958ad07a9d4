package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.contract.Contracts;
import io.ctiserver.server.testing.WsFrames;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A desktop as a user runs one: logs in over REST, then reads the WebSocket with the JDK's client (WsFrames). */
public final class DesktopClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Parsed, contract-checked frames; kept across {@link #resume}, which clears what is left. */
    private final WsFrames frames = WsFrames.desktop();
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
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), c.frames)
                .get(5, TimeUnit.SECONDS);
        return c;
    }

    /** The next frame matching {@code p}, skipping others; fails after {@code timeout}. */
    public JsonNode await(Predicate<JsonNode> p, Duration timeout, String what) throws InterruptedException {
        return frames.next(p, timeout, what);
    }

    /**
     * Like {@link #await}, but the frames it passes over stay queued, in order, for the next await: a command's
     * {@code result} and the events the command causes race to the desktop, so waiting for the result must not throw
     * the event away.
     */
    public JsonNode awaitKeepingOthers(Predicate<JsonNode> p, Duration timeout, String what)
            throws InterruptedException {
        return frames.nextKeepingOthers(p, timeout, what);
    }

    /** Every frame received so far and not yet consumed by {@link #await}. */
    public java.util.List<JsonNode> drain() {
        return frames.drain();
    }

    String token() {
        return token;
    }

    /**
     * Sends a command ({@code fields} plus {@code type} and a fresh {@code id}) and waits for its {@code result}; the
     * events it causes stay queued for the next await.
     */
    public JsonNode command(java.util.Map<String, Object> fields, Duration timeout) throws Exception {
        String id = "cmd-" + COMMAND_IDS.incrementAndGet();
        java.util.Map<String, Object> msg = new java.util.LinkedHashMap<>(fields);
        msg.put("type", "command");
        msg.put("id", id);
        send(msg);
        return awaitKeepingOthers(f -> f.path("type").asText().equals("result") && f.path("id").asText().equals(id),
                timeout, "the result of " + fields);
    }

    private static final java.util.concurrent.atomic.AtomicInteger COMMAND_IDS =
            new java.util.concurrent.atomic.AtomicInteger();

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
        frames.received().clear();
        ws = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token + "&session=" + session
                        + "&lastSeq=" + lastSeq), frames)
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
        frames.checkContract();
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
        checkContract();
    }
}
