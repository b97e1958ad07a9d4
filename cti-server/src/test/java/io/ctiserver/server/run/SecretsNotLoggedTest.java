package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
            String token;
            try (CtiServer server = DemoServers.start(config);
                 DesktopClient agent = DesktopClient.login(server.gateway().port(), "agent201", PASSWORD)) {
                token = agent.token();
                assertEquals(401, DesktopClient.loginStatus(server.gateway().port(), "agent201", PASSWORD + "x"));
                server.simulator().placeInboundCall("5551001", "5000", "1", 1.0, 0);
                agent.await(f -> f.path("type").asText().equals("call.ended"), Duration.ofSeconds(20), "call.ended");
                assertEquals(200, agent.get("/api/calls").status());
            }
            assertFalse(lines.isEmpty(), "the capture saw the server's logs");
            assertTrue(lines.stream().anyMatch(l -> l.contains("logged in")), "AMI login was logged: " + lines);
            for (String line : lines) {
                assertFalse(line.contains(AMI_SECRET), "AMI secret in a log line: " + line);
                assertFalse(line.contains(PASSWORD), "desktop password in a log line: " + line);
                assertFalse(line.contains(token), "desktop token in a log line: " + line);
            }
        } finally {
            root.setLevel(oldLevel);
            root.detachAppender(capture);
            others.forEach(root::addAppender);
            capture.stop();
        }
    }
}
