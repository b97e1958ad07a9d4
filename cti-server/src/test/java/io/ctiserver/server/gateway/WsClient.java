package io.ctiserver.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A desktop: the JDK's WebSocket client, collecting every JSON message it receives. */
final class WsClient implements WebSocket.Listener, AutoCloseable {

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    /** Messages that do not match the AsyncAPI document: the test that saw them fails. */
    /** Frames checked against the contract so far, per message type (see Contracts.sampledWsMessageProblems). */
    private final java.util.Map<String, Integer> contractSeen = new java.util.concurrent.ConcurrentHashMap<>();
    final java.util.List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    final WebSocket ws;

    private WsClient(URI uri) {
        this(HttpClient.newHttpClient(), uri);
    }

    WsClient(HttpClient client, URI uri) {
        this.ws = client.newWebSocketBuilder().buildAsync(uri, this).join();
    }

    static WsClient connect(int port, String query) {
        return new WsClient(URI.create("ws://127.0.0.1:" + port + "/ws" + (query == null ? "" : "?" + query)));
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            violations.addAll(io.ctiserver.server.contract.Contracts.get()
                    .sampledWsMessageProblems(partial.toString(), contractSeen, 20));
            try {
                received.add(Json.MAPPER.readTree(partial.toString()));
            } catch (Exception e) {
                received.add(Json.MAPPER.createObjectNode().put("unparseable", partial.toString()));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete("error " + error);
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    void send(ObjectNode json) {
        send(json.toString());
    }

    /** The next message of {@code type}, skipping others (kpi ticks, ...). */
    JsonNode next(String type) throws InterruptedException {
        return next(m -> type.equals(m.path("type").asText()), type);
    }

    JsonNode next(Predicate<JsonNode> p, String what) throws InterruptedException {
        return next(p, what, 10);
    }

    JsonNode next(Predicate<JsonNode> p, String what, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            checkContract();
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + what + " message within " + seconds + " s");
            }
            if (p.test(m)) {
                return m;
            }
        }
    }

    /** Sends a command and waits for its result. */
    JsonNode command(String id, String json) throws InterruptedException {
        send("{\"type\":\"command\",\"id\":\"" + id + "\"," + json.substring(1));
        return next(m -> "result".equals(m.path("type").asText()) && id.equals(m.path("id").asText()),
                "result " + id);
    }

    /** Fails when a message received so far did not match the AsyncAPI document. */
    void checkContract() {
        if (!violations.isEmpty()) {
            throw new AssertionError("WebSocket messages break the AsyncAPI contract: " + violations);
        }
    }

    @Override
    public void close() {
        ws.abort();
        checkContract();
    }
}
