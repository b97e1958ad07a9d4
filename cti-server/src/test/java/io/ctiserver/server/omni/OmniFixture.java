package io.ctiserver.server.omni;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Gateway;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.tracker.Tracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** A desktop gateway and the omnichannel module on ephemeral ports, with three agents and a supervisor. */
final class OmniFixture implements AutoCloseable {

    static final String PASSWORD = "s3cret-pass";
    static final String HASH = PasswordHash.hash(PASSWORD.toCharArray(), 1000);

    final Tracker tracker = new Tracker("pbx1");
    final Gateway gateway;
    final OmniModule omni;
    final HttpClient http = HttpClient.newHttpClient();

    OmniFixture(OmniConfig config) throws Exception {
        List<UserConfig> users = List.of(
                UserConfig.agent("ann", HASH, "PJSIP/ann", "Ann"),
                UserConfig.agent("bob", HASH, "PJSIP/bob", "Bob"),
                UserConfig.agent("cid", HASH, "PJSIP/cid", "Cid"),
                UserConfig.of("sup", HASH, Role.SUPERVISOR));
        // The bundled web files (target/classes/web, inside the repository), so that /js/chat-panel.js is served.
        String web = java.nio.file.Path.of(OmniFixture.class.getResource("/web/js/chat-panel.js").toURI())
                .getParent().getParent().toString();
        GatewayConfig gc = new GatewayConfig("127.0.0.1", 0, null, web, users, 0, null, 0, 0, 0, 0, 0, 0, 100, 200,
                0, "pbx1", null);
        omni = OmniModule.create(config);
        gateway = omni.addTo(Gateway.builder().config(gc).stateView(tracker.view())).build().start();
        omni.start(gateway, pbx -> null, tracker.view());
    }

    static OmniConfig.Chat chat() {
        return new OmniConfig.Chat("127.0.0.1", 0, null, null, null, null, null, null, null, null, null);
    }

    static OmniConfig config(OmniConfig.Chat chat, OmniConfig.Bot bot) {
        return new OmniConfig(true, "support", null, null, null, chat, bot, null, null, null, null);
    }

    String login(String user) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD
                        + "\"}")).build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new AssertionError("login failed: " + res.body());
        }
        return Json.MAPPER.readTree(res.body()).get("token").asText();
    }

    Ws desktop(String user) throws Exception {
        Ws w = new Ws("ws://127.0.0.1:" + gateway.port() + "/ws?token=" + login(user));
        w.next("welcome");
        w.next("snapshot");
        return w;
    }

    /** A ready agent's desktop. */
    Ws readyAgent(String user) throws Exception {
        Ws w = desktop(user);
        JsonNode r = w.command("ready", "{\"command\":\"contact.ready\",\"ready\":true}");
        if (!r.path("ok").asBoolean()) {
            throw new AssertionError("not ready: " + r);
        }
        return w;
    }

    Ws customer() {
        return new Ws("ws://127.0.0.1:" + omni.chatPort() + "/chat/ws");
    }

    /** A customer who filled in the pre-chat form and got the welcome. */
    Ws startChat(String name) throws Exception {
        Ws c = customer();
        c.send("{\"type\":\"start\",\"name\":\"" + name + "\",\"email\":\"" + name.toLowerCase()
                + "@example.com\",\"topic\":\"billing\"}");
        c.next("welcome");
        return c;
    }

    HttpResponse<String> postCommand(String token, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/commands"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> chatGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + omni.chatPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        omni.close();
        gateway.close();
    }
}
