package io.ctiserver.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** The real server with its in-process simulator on free ports, no generated traffic, one password for all. */
final class WebServer implements AutoCloseable {

    static final String PASSWORD = "web-desk";

    final CtiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    WebServer() throws Exception {
        this(DemoServers.config());
    }

    /** The demo server with this config (from {@link DemoServers#config()}, changed by the test), password set. */
    WebServer(com.fasterxml.jackson.databind.node.ObjectNode config) throws Exception {
        this.server = DemoServers.start(DemoServers.withPassword(config, PASSWORD));
    }

    int port() {
        return server.gateway().port();
    }

    String base() {
        return "http://127.0.0.1:" + port();
    }

    String token(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("login of " + user + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).get("token").asText();
    }

    JsonNode get(String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** POST /api/commands with the user's token; returns the answer, which must be a success. */
    JsonNode command(String token, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/commands"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /api/commands " + json + ": " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** Waits for an AMI action the simulator received that matches; returns it. */
    AmiMessage awaitAction(String what, Predicate<AmiMessage> test) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            List<AmiMessage> got = server.simulator().receivedActions();
            for (AmiMessage m : got) {
                if (test.test(m)) {
                    return m;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the simulator never received " + what + "; it received: "
                + server.simulator().receivedActions().stream().map(AmiMessage::action).toList());
    }

    @Override
    public void close() {
        server.close();
    }
}
