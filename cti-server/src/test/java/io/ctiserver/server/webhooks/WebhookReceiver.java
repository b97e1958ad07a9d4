package io.ctiserver.server.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;

/** A real HTTP receiver on an ephemeral port of 127.0.0.1: records every POST and answers what {@code answer} says. */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Request(String signature, String event, String delivery, int attempt, byte[] body, long receivedAtMillis) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Request> accepted = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    WebhookReceiver(ToIntFunction<Request> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Request r = new Request(ex.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    ex.getRequestHeaders().getFirst("X-CTI-Event"), ex.getRequestHeaders().getFirst("X-CTI-Delivery"),
                    Integer.parseInt(ex.getRequestHeaders().getFirst("X-CTI-Attempt")), body,
                    System.currentTimeMillis());
            requests.add(r);
            int status = answer.applyAsInt(r);
            if (status >= 200 && status < 300) {
                accepted.add(r);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
