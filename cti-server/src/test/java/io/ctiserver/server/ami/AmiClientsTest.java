package io.ctiserver.server.ami;

import static io.ctiserver.ami.AmiLinkState.CONNECTED;
import static io.ctiserver.ami.AmiLinkState.CONNECTING;
import static io.ctiserver.ami.AmiLinkState.FULLY_BOOTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.config.ServerConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Several PBXs from the {@code pbx} config section, each on its own client, thread and tag. */
class AmiClientsTest {

    @Test
    void startsOneClientPerConfiguredPbxAndTagsTheirMessages() throws Exception {
        ScriptedAmiServer.Script script = conn -> {
            conn.acceptLogin();
            conn.readAction();
        };
        try (ScriptedAmiServer a = new ScriptedAmiServer(script); ScriptedAmiServer b = new ScriptedAmiServer(script)) {
            String json = """
                    { "pbx": { "servers": [
                        { "id": "paris", "host": "127.0.0.1", "port": %d, "username": "cti", "secret": "pa55" },
                        { "id": "lyon", "host": "127.0.0.1", "port": %d, "username": "cti2", "secret": "ly0n",
                          "md5": false, "actionTimeoutMs": 2500, "queueCapacity": 500 }
                    ] } }""".formatted(a.port(), b.port());
            ServerConfig config = ServerConfig.of(ServerConfig.mapper().readTree(json));
            Map<String, RecordingListener> listeners = new ConcurrentHashMap<>();
            try (AmiClients clients = AmiClients.start(config,
                    pbx -> listeners.computeIfAbsent(pbx, k -> new RecordingListener()))) {
                assertEquals(2, clients.all().size());
                for (String pbx : new String[] {"paris", "lyon"}) {
                    RecordingListener l = listeners.get(pbx);
                    l.expectStates(CONNECTING, CONNECTED, FULLY_BOOTED);
                    AmiMessage booted = l.nextEvent("FullyBooted");
                    assertEquals(pbx, booted.pbx());
                    assertEquals(java.util.List.of("ami-" + pbx), java.util.List.copyOf(l.threads));
                }
                assertEquals("pa55", a.actions().get(0).get("Secret"));
                assertEquals("cti2", b.actions().get(0).get("Username"));
                PbxConfig lyon = clients.client("lyon").config();
                assertEquals(2500, lyon.actionTimeoutMs());
                assertEquals(500, lyon.queueCapacity());
                assertEquals(10_000, clients.client("paris").config().actionTimeoutMs(), "default");
                assertFalse(lyon.toString().contains("ly0n"), lyon.toString());
            }
        }
    }

    @Test
    void aMissingSectionStartsNothingAndBadServersAreRefused() throws Exception {
        ServerConfig empty = ServerConfig.of(ServerConfig.mapper().readTree("{}"));
        try (AmiClients clients = AmiClients.start(empty, pbx -> new RecordingListener())) {
            assertTrue(clients.all().isEmpty());
        }
        ServerConfig twice = ServerConfig.of(ServerConfig.mapper().readTree("""
                { "pbx": { "servers": [ { "id": "x", "host": "h", "username": "u" },
                                        { "id": "x", "host": "h2", "username": "u" } ] } }"""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> twice.section(AmiClientConfig.SECTION, AmiClientConfig.class, AmiClientConfig.none()));
        assertTrue(e.getMessage().contains("'x' is used twice"), e.getMessage());
        ServerConfig noHost = ServerConfig.of(ServerConfig.mapper().readTree("""
                { "pbx": { "servers": [ { "id": "x", "username": "u" } ] } }"""));
        e = assertThrows(IllegalArgumentException.class,
                () -> noHost.section(AmiClientConfig.SECTION, AmiClientConfig.class, AmiClientConfig.none()));
        assertTrue(e.getMessage().contains("'host' is required"), e.getMessage());
    }
}
