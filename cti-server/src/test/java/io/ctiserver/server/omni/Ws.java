package io.ctiserver.server.omni;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client (desktop or customer) on the JDK's client, collecting every JSON message. */
final class Ws implements WebSocket.Listener, AutoCloseable {

    final LinkedBlockingDeque<JsonNode> received = new LinkedBlockingDeque<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    final WebSocket ws;

    Ws(String uri) {
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(uri), this).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
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
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    JsonNode next(String type) throws InterruptedException {
        return next(m -> type.equals(m.path("type").asText()), type);
    }

    JsonNode next(Predicate<JsonNode> p, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + what + " message within 10 s");
            }
            if (p.test(m)) {
                return m;
            }
        }
    }

    /** A customer chat message whose text contains {@code part}. */
    JsonNode message(String part) throws InterruptedException {
        return next(m -> "message".equals(m.path("type").asText()) && m.path("text").asText().contains(part),
                "message containing '" + part + "'");
    }

    /** Sends a command and waits for its result; events that came first stay to be read. */
    JsonNode command(String id, String json) throws InterruptedException {
        send("{\"type\":\"command\",\"id\":\"" + id + "\"," + json.substring(1));
        List<JsonNode> before = new ArrayList<>();
        JsonNode r = next(m -> {
            boolean mine = "result".equals(m.path("type").asText()) && id.equals(m.path("id").asText());
            if (!mine) {
                before.add(m);
            }
            return mine;
        }, "result " + id);
        for (int i = before.size() - 1; i >= 0; i--) {
            received.addFirst(before.get(i));
        }
        return r;
    }

    int closeCode() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
