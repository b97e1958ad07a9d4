package io.ctiserver.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** With a real PBX the queues are known only after the first resync: an agent in no queue is then warned about. */
class AgentsInQueuesRuntimeTest {

    @Test
    void anAgentInNoQueueOfTheConnectedPbxIsWarnedAboutAfterTheResync() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(AgentsInQueuesCheck.class);
        log.start();
        logger.addAppender(log);
        try (PbxSimulator pbx = PbxSimulator.start(SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 1000)
                .withTraffic(0, 1, 1))) {
            ObjectNode root = (ObjectNode) ServerConfig.mapper().readTree("""
                    {"pbx": {"servers": [{"id": "pbx1", "host": "127.0.0.1", "port": %d, "username": "cti",
                      "secret": "cti"}]},
                     "agi": {"port": 0},
                     "gateway": {"port": 0, "defaultPbx": "pbx1", "users": [
                       {"username": "good", "password": "x", "role": "agent", "iface": "Local/201@agents/n"},
                       {"username": "typo", "password": "x", "role": "agent", "iface": "PJSIP/agnet1"}]}}
                    """.formatted(pbx.amiPort()).replace("\"x\"", "\"" + io.ctiserver.server.gateway.auth.PasswordHash
                    .hash("pw".toCharArray(), 1000) + "\""));
            assertEquals(List.of(), ConfigValidator.problems(ServerConfig.of(root)),
                    "not known before start-up: no error then");
            try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (log.list.stream().noneMatch(e -> e.getLevel() == Level.WARN)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
                        .map(ILoggingEvent::getFormattedMessage).toList();
                assertEquals(1, warnings.size(), warnings.toString());
                assertTrue(warnings.get(0).startsWith("gateway.users[1].iface: 'PJSIP/agnet1' (user typo) is a "
                        + "member of no queue of PBX pbx1"), warnings.get(0));
            }
        } finally {
            logger.detachAppender(log);
        }
    }
}
