package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/route} when the what-if pool is full: routing looks customers up in an HTTP CRM that accepts the
 * connection and never answers, so each what-if takes the routing deadline on the pool's one thread; 150 what-ifs at
 * once fill its queue, and the ones beyond are refused 429 {@code rate_limited} with {@code Retry-After}, as the
 * OpenAPI document says, while the others get their decision (the safe default: the CRM never answered).
 */
class RouteWhatIfBusyTest {

    static final int REQUESTS = 150;

    @Test
    void whatIfsBeyondThePoolAreRefused429WithRetryAfter() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket crm = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                while (!crm.isClosed()) {
                    try {
                        held.add(crm.accept()); // read nothing, answer nothing
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "silent-crm");
            accept.setDaemon(true);
            accept.start();
            ObjectNode root = DemoServers.config();
            root.withObject("/routing").put("deadlineMillis", 50).putObject("crm")
                    .put("url", "http://127.0.0.1:" + crm.getLocalPort() + "/customers?phone={number}")
                    .put("timeoutMillis", 5_000).put("cacheSeconds", 1);
            root.withObject("/gateway").put("commandsPerSecond", 1_000).put("commandBurst", 1_000);
            try (CtiServer server = DemoServers.start(root)) {
                int port = server.gateway().port();
                String token = server.gateway().issueToken("supervisor").token();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    String path = "/api/route?number=555" + (10_000 + i);
                    answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET()
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
                int ok = 0;
                int busy = 0;
                for (int i = 0; i < REQUESTS; i++) {
                    HttpResponse<String> r = answers.get(i).get();
                    DesktopClient.contract("GET", "/api/route?number=555" + (10_000 + i), r);
                    JsonNode body = Json.mapper().readTree(r.body());
                    if (r.statusCode() == 200) {
                        ok++;
                        assertEquals("support", body.path("queue").asText(), "the default queue: " + body);
                    } else {
                        assertEquals(429, r.statusCode(), r.body());
                        busy++;
                        assertEquals("rate_limited", body.path("error").path("code").asText(), r.body());
                        assertTrue(body.path("error").path("message").asText().contains("what-ifs at once"),
                                r.body());
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null), "Retry-After");
                    }
                }
                // one runs and 64 wait at most; requests arrive over some time, so a few more may get through
                assertTrue(busy > 0, "no what-if was refused: " + ok + " answered");
                assertTrue(ok >= 65 && ok < REQUESTS, ok + " answered, " + busy + " refused");
                // and the pool is usable again once the queue drained
                HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/route?number=5551001")).header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, after.statusCode(), after.body());
                System.out.printf("RouteWhatIfBusyTest: %d what-ifs at once: %d answered, %d refused 429%n",
                        REQUESTS, ok, busy);
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
