package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.ami.AmiClientConfig;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No secret reaches the logs, at any level: not the AMI secret (plain or MD5 login), not a desktop's password, not
 * its token, however the server is used or misused.
 */
class SecretsNotLoggedTest {

    private static final String AMI_SECRET = "ami-Secret-7f3e";
    private static final String PASSWORD = "desk-Secret-91c2";
    private static final String KEY_PASSWORD = "tls-Key-Secret-55aa";
    private static final String MAIL_PASSWORD = "mail-Secret-0d4b";

    /** A mailbox on a port nobody listens on: the first poll fails and is logged (without the password). */
    private static void mailbox(ObjectNode root) throws java.io.IOException {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        root.withObject("/omni").putObject("email").put("imapHost", "127.0.0.1").put("imapPort", closed)
                .put("smtpHost", "127.0.0.1").put("smtpPort", closed).put("username", "support")
                .put("password", MAIL_PASSWORD).put("address", "support@example.com").put("imapSecurity", "tls")
                .put("smtpSecurity", "starttls");
    }

    /** The configuration records print no secret: they end up in logs and exception messages. */
    @Test
    void noConfigRecordPrintsASecret() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), PASSWORD);
        root.withObject("/gateway").putObject("tls").put("certFile", "c.pem").put("keyFile", "k.pem")
                .put("keyPassword", KEY_PASSWORD);
        root.withObject("/pbx").putArray("servers").addObject().put("id", "pbx1").put("host", "h")
                .put("username", "cti").put("secret", AMI_SECRET);
        mailbox(root);
        ServerConfig config = ServerConfig.of(root);
        String hash = root.at("/gateway/users/0/password").asText();
        io.ctiserver.server.omni.OmniConfig omni = config.section("omni", io.ctiserver.server.omni.OmniConfig.class,
                null);
        assertEquals(MAIL_PASSWORD, omni.email().password(), "the mail password is bound");
        List<Object> records = List.of(config.section("gateway", GatewayConfig.class, null),
                config.section("pbx", AmiClientConfig.class, null), omni, omni.email());
        for (Object r : records) {
            String text = r.toString();
            assertFalse(text.contains(MAIL_PASSWORD), "mail password printed: " + text);
            assertFalse(text.contains(KEY_PASSWORD), "TLS key password printed: " + text);
            assertFalse(text.contains(AMI_SECRET), "AMI secret printed: " + text);
            assertFalse(text.contains(hash.substring(hash.lastIndexOf('$') + 1)), "password hash printed: " + text);
        }
    }

    /** A config mistake next to a secret is reported without the secret. */
    @Test
    void configErrorsDoNotQuoteSecrets() {
        List<String> broken = List.of(
                "{\"pbx\":{\"servers\":[{\"id\":\"p\",\"username\":\"cti\",\"secret\":\"" + AMI_SECRET + "\"}]}}",
                "{\"pbx\":{\"servers\":[{\"id\":\"p\",\"host\":\"h\",\"username\":\"cti\",\"secret\":\""
                        + AMI_SECRET + "\",\"port\":\"x\"}]}}",
                "{\"pbx\":{\"servers\":[{\"id\":\"p\",\"host\":\"h\",\"username\":\"cti\",\"secret\":{\"v\":\""
                        + AMI_SECRET + "\"}}]}}",
                "{\"gateway\":{\"tls\":{\"keyPassword\":[\"" + KEY_PASSWORD + "\"]},\"port\":\"x\"}}",
                "{\"gateway\":{\"users\":[{\"username\":\"a\",\"role\":\"agent\",\"password\":\"" + PASSWORD
                        + "\"}]}}");
        for (String json : broken) {
            Throwable t = assertThrows(Exception.class, () -> {
                ServerConfig c = ServerConfig.of(ServerConfig.mapper().readTree(json));
                AmiClientConfig pbx = c.section("pbx", AmiClientConfig.class, null);
                GatewayConfig gw = c.section("gateway", GatewayConfig.class, null);
                if (gw != null) {
                    new UserDirectory(gw.users(), "pbx1");
                }
                if (pbx == null && gw == null) {
                    throw new AssertionError("nothing bound");
                }
            });
            for (Throwable e = t; e != null; e = e.getCause()) {
                String m = String.valueOf(e.getMessage());
                assertFalse(m.contains(AMI_SECRET) || m.contains(KEY_PASSWORD) || m.contains(PASSWORD),
                        "a secret in the error for " + json + ": " + m);
            }
        }
    }

    @Test
    void secretsNeverAppearInAnyLogLine() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LoggerContext context = root.getLoggerContext();
        Level oldLevel = root.getLevel();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " " + e.getThrowableProxy().getMessage()));
            }
        };
        capture.setContext(context);
        capture.start();
        // Only the capture sees this test's DEBUG flood; the console appenders are put back afterwards.
        List<Appender<ILoggingEvent>> others = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(others::add);
        others.forEach(root::detachAppender);
        root.addAppender(capture);
        root.setLevel(Level.DEBUG);
        try {
            ObjectNode config = DemoServers.withPassword(DemoServers.config(), PASSWORD);
            config.withObject("/sim").putArray("users").addObject().put("name", "cti").put("secret", AMI_SECRET);
            mailbox(config);
            String token;
            List<String> audit;
            String hash = config.at("/gateway/users/0/password").asText();
            try (CtiServer server = DemoServers.start(config);
                 DesktopClient agent = DesktopClient.login(server.gateway().port(), "agent201", PASSWORD)) {
                token = agent.token();
                assertEquals(401, DesktopClient.loginStatus(server.gateway().port(), "agent201", PASSWORD + "x"));
                // People type their password into the user name box: a failed login must not keep it.
                assertEquals(401, DesktopClient.loginStatus(server.gateway().port(), PASSWORD, PASSWORD));
                assertEquals(401, DesktopClient.loginStatus(server.gateway().port(), AMI_SECRET, "x"));
                server.simulator().placeInboundCall("5551001", "5000", "1", 1.0, 0);
                agent.await(f -> f.path("type").asText().equals("call.ended"), Duration.ofSeconds(20), "call.ended");
                assertEquals(200, agent.get("/api/calls").status());
                audit = server.gateway().audit().recent().stream().map(Object::toString).toList();
            }
            assertFalse(lines.isEmpty(), "the capture saw the server's logs");
            assertTrue(lines.stream().anyMatch(l -> l.contains("logged in")), "AMI login was logged: " + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("mailbox support@127.0.0.1")),
                    "the failed mailbox poll was logged: " + lines);
            assertTrue(audit.stream().anyMatch(l -> l.contains("login")), "logins were audited: " + audit);
            List<String> everything = new ArrayList<>(lines);
            everything.addAll(audit);
            for (String line : everything) {
                assertFalse(line.contains(AMI_SECRET), "AMI secret in a log or audit line: " + line);
                assertFalse(line.contains(MAIL_PASSWORD), "mail password in a log or audit line: " + line);
                assertFalse(line.contains(PASSWORD), "desktop password in a log or audit line: " + line);
                assertFalse(line.contains(token), "desktop token in a log or audit line: " + line);
                assertFalse(line.contains(hash.substring(hash.lastIndexOf('$') + 1)),
                        "password hash in a log or audit line: " + line);
            }
        } finally {
            root.setLevel(oldLevel);
            root.detachAppender(capture);
            others.forEach(root::addAppender);
            capture.stop();
        }
    }
}
