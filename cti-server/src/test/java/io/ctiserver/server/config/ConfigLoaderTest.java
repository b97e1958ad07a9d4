package io.ctiserver.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.Main;
import io.ctiserver.server.agi.AgiConfig;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static final String PBX_YAML = """
            # a comment
            pbx:
              servers:
                - id: pbx1
                  host: 10.0.0.5
                  username: cti
                  secretFile: %s
                  md5: true
            agi:
              port: 4600
            gateway:
              port: 8181
              defaultPbx: pbx1
            """;

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path pbxYaml() throws Exception {
        Path secret = write("ami.secret", "s3cret\n");
        return write("cti.yaml", PBX_YAML.formatted(secret));
    }

    private List<String> problems(String name, String text, Map<String, String> env) throws Exception {
        Path f = write(name, text);
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(f, env));
        return e.problems();
    }

    @Test
    void yamlWithASecretFileBinds() throws Exception {
        ServerConfig c = ServerConfig.load(pbxYaml(), Map.of());
        PbxConfig pbx = c.section("pbx", AmiClientConfig.class, null).servers().get(0);
        assertEquals("10.0.0.5", pbx.host());
        assertEquals("s3cret", pbx.secret(), "the file's value, line break removed");
        assertTrue(pbx.md5());
        assertEquals(4600, c.section("agi", AgiConfig.class, null).port());
        assertFalse(c.raw("pbx").get("servers").get(0).has("secretFile"));
    }

    @Test
    void jsonIsStillAccepted() throws Exception {
        Path f = write("cti.json", "{\"agi\": {\"port\": 4601}, \"gateway\": {\"port\": 8182}}");
        ServerConfig c = ServerConfig.load(f, Map.of());
        assertEquals(4601, c.section("agi", AgiConfig.class, null).port());
        assertEquals(8182, c.section("gateway", GatewayConfig.class, null).port());
    }

    @Test
    void bundledDemoPassesTheCheck() throws Exception {
        assertEquals(List.of(), ConfigValidator.problems(ServerConfig.load(null, Map.of())));
    }

    @Test
    void environmentOverridesKeysListEntriesAndSecrets() throws Exception {
        Path other = write("other.secret", "from-env-file");
        ServerConfig c = ServerConfig.load(pbxYaml(), Map.of(
                "CTI_GATEWAY_PORT", "9090",
                "CTI_GATEWAY_TOKEN_TTL_SECONDS", "60",
                "CTI_PBX_SERVERS_0_HOST", "pbx.example.org",
                "CTI_PBX_SERVERS_0_SECRET_FILE", other.toString(),
                "CTI_PBX_SERVERS_1_ID", "pbx2",
                "CTI_PBX_SERVERS_1_HOST", "10.0.0.6",
                "CTI_PBX_SERVERS_1_USERNAME", "cti",
                "CTI_PBX_SERVERS_1_SECRET", "inline-env",
                "CTI_ROUTING_IVR_VARIABLES", "[\"IVR_CHOICE\", \"IVR_LANG\"]",
                "CTI_LIVE_AMI", "127.0.0.1:5038"));
        GatewayConfig g = c.section("gateway", GatewayConfig.class, null);
        assertEquals(9090, g.port());
        assertEquals(60, g.tokenTtlSeconds());
        List<PbxConfig> servers = c.section("pbx", AmiClientConfig.class, null).servers();
        assertEquals("pbx.example.org", servers.get(0).host());
        assertEquals("from-env-file", servers.get(0).secret());
        assertEquals("10.0.0.6", servers.get(1).host());
        assertEquals("inline-env", servers.get(1).secret());
        assertEquals("[\"IVR_CHOICE\",\"IVR_LANG\"]", c.raw("routing").get("ivrVariables").toString());
        assertEquals("CTI_GATEWAY_USERS_0_IFACE", EnvOverrides.variableOf("gateway.users[0].iface"));
    }

    @Test
    void environmentErrorsNameTheVariable() throws Exception {
        List<String> p = problems("e.yaml", "gateway: {port: 8080}\n", Map.of(
                "CTI_GATEWAY_PROT", "1",
                "CTI_AGI_PORT", "abc",
                "CTI_PBX_SERVERS_3_HOST", "x"));
        assertTrue(p.contains("environment CTI_AGI_PORT (agi.port): 'abc' is not an integer"), p.toString());
        assertTrue(p.contains("environment CTI_GATEWAY_PROT: names no configuration key "
                + "(did you mean CTI_GATEWAY_PORT?)"), p.toString());
        assertTrue(p.contains("environment CTI_PBX_SERVERS_3_HOST: pbx.servers has 0 entries, so the next index is 0,"
                + " not 3"), p.toString());
    }

    @Test
    void unknownKeysSuggestTheClosest() throws Exception {
        List<String> p = problems("u.yaml", """
                gatway: {}
                gateway:
                  prot: 8080
                  users:
                    - {username: a, role: agent, ifase: PJSIP/a}
                """, Map.of());
        assertTrue(p.contains("gatway: unknown section (did you mean 'gateway'?)"), p.toString());
        assertTrue(p.contains("gateway.prot: unknown key (did you mean 'port'?)"), p.toString());
        assertTrue(p.contains("gateway.users[0].ifase: unknown key (did you mean 'iface'?)"), p.toString());
    }

    @Test
    void wrongTypesAndRanges() throws Exception {
        List<String> p = problems("t.yaml", """
                agi:
                  port: 70000
                  enabled: "yes"
                  maxQueuedCommands: 0
                gateway:
                  users: {username: a}
                  tokenTtlSeconds: soon
                  commandsPerSecond: [1]
                  users2: 1
                routing:
                  deadlineMillis: 0
                """, Map.of());
        assertTrue(p.contains("agi.port: 70000 is out of range (must be between 0 and 65535)"), p.toString());
        assertTrue(p.contains("agi.enabled: must be true or false, got the string \"yes\""), p.toString());
        assertTrue(p.contains("agi.maxQueuedCommands: 0 is out of range (must be at least 1)"), p.toString());
        assertTrue(p.contains("gateway.users: must be a list of objects, got an object"), p.toString());
        assertTrue(p.contains("gateway.tokenTtlSeconds: must be an integer, got the string \"soon\""), p.toString());
        assertTrue(p.contains("gateway.commandsPerSecond: must be a number, got a list"), p.toString());
        assertTrue(p.contains("routing.deadlineMillis: 0 is out of range (must be at least 1)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("gateway.users2: unknown key")), p.toString());
    }

    @Test
    void enumsAndWhatARecordRefuses() throws Exception {
        List<String> p = problems("r.yaml", """
                pbx:
                  servers:
                    - {id: a, username: cti}
                gateway:
                  users:
                    - {username: a, role: boss}
                routing:
                  skills:
                    - when: {dialed: "6000"}
                """, Map.of());
        assertTrue(p.contains("pbx.servers[0]: pbx server: 'host' is required"), p.toString());
        assertTrue(p.contains("gateway.users[0].role: must be one of agent, supervisor, admin, integration, got the "
                + "string \"boss\""), p.toString());
        assertTrue(p.contains("routing.skills[0]: routing.skills[].queue is required"), p.toString());
    }

    @Test
    void gatewayUsersTheDirectoryWouldRefuse() throws Exception {
        List<String> p = problems("users.yaml", """
                gateway:
                  users:
                    - {username: a, role: agent, password: "clear-text", iface: PJSIP/a}
                    - {username: a, role: supervisor, password: "%1$s"}
                    - {username: b, role: agent, password: "%1$s"}
                """.formatted(io.ctiserver.server.gateway.auth.PasswordHash.hash("pw".toCharArray(), 1000)),
                Map.of());
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("gateway.users[0].password: not a PBKDF2 hash"), p.get(0));
        assertEquals("gateway.users[1].username: 'a' is used twice", p.get(1));
        assertTrue(p.get(2).startsWith("gateway.users[2].iface: required for an agent"), p.get(2));
        assertFalse(String.join(" ", p).contains("clear-text"), "a password never appears in an error");
    }

    @Test
    void missingFiles() throws Exception {
        List<String> p = problems("f.yaml", """
                routing:
                  customersFile: /nonexistent/customers.csv
                gateway:
                  tls: {certFile: /nonexistent/cert.pem, keyFile: /nonexistent/key.pem}
                pbx:
                  servers:
                    - {id: a, host: h, username: u, secretFile: /nonexistent/ami.secret}
                    - {id: b, host: h, username: u, secret: x, secretFile: /nonexistent/ami.secret}
                """, Map.of());
        assertTrue(p.contains("routing.customersFile: file '/nonexistent/customers.csv' does not exist"), p.toString());
        assertTrue(p.contains("gateway.tls.certFile: file '/nonexistent/cert.pem' does not exist"), p.toString());
        assertTrue(p.contains("pbx.servers[0].secretFile: file '/nonexistent/ami.secret' does not exist"),
                p.toString());
        assertTrue(p.contains("pbx.servers[1].secretFile: give either 'secret' or 'secretFile', not both"),
                p.toString());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfig.load(dir.resolve("absent.yaml"), Map.of()));
        assertTrue(e.getMessage().endsWith("absent.yaml: the file does not exist"), e.getMessage());
    }

    @Test
    void anAgentWhoseInterfaceIsInNoQueue() throws Exception {
        List<String> p = problems("q.yaml", """
                sim: {enabled: true}
                gateway:
                  users:
                    - {username: ok, role: agent, iface: "Local/201@agents/n", password: "%1$s"}
                    - {username: typo, role: agent, iface: "PJSIP/agnet1", password: "%1$s"}
                """.formatted(io.ctiserver.server.gateway.auth.PasswordHash.hash("pw".toCharArray(), 1000)),
                Map.of());
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("gateway.users[1].iface: 'PJSIP/agnet1' (user typo) is a member of no queue"),
                p.toString());
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() throws Exception {
        List<String> p = problems("s.yaml", "gateway:\n  port: [8080\n", Map.of());
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("line "), p.get(0));
        assertTrue(p.get(0).contains("not valid YAML"), p.get(0));
    }

    @Test
    void mainExitsWithStatusTwoAndOneReadableMessage() throws Exception {
        Path f = write("bad.yaml", "gateway:\n  prot: 8080\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(List.of("run", "--config", f.toString()), new PrintStream(out),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals("cti-server run: configuration " + f + ": gateway.prot: unknown key (did you mean 'port'?)\n",
                message);
        assertFalse(message.contains("\tat "), "no stack trace");

        status = Main.execute(List.of("config", "check", "--config", f.toString()), new PrintStream(out),
                new PrintStream(err));
        assertEquals(2, status);
    }

    @Test
    void secretsNeverAppearInErrors() throws Exception {
        List<String> p = problems("x.yaml", """
                pbx:
                  servers:
                    - {id: a, host: h, username: u, secret: TopSecretValue, port: 99999}
                """, Map.of());
        assertEquals(List.of("pbx.servers[0].port: 99999 is out of range (must be between 0 and 65535)"), p);
    }
}
