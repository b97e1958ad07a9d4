package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.Capacity;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.QueueSettings;
import io.ctiserver.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** The {@code omni} section as the server reads it: the demo's, and partial sections taking the defaults. */
class OmniConfigTest {

    @Test
    void theDemoConfigEnablesChatWithTheFaqBot() throws Exception {
        OmniConfig c = ServerConfig.demo().section("omni", OmniConfig.class, null);
        assertTrue(c.enabled());
        assertEquals(8081, c.chat().port());
        assertTrue(c.bot().enabled());
        assertEquals("classpath:omni/faq.json", c.bot().knowledgeBase());
        assertEquals(new Capacity(1, 3, 5), c.capacity().forAgent("agent201", null));
        assertEquals(2, c.queues().size());
        assertEquals(5, io.ctiserver.server.omni.bot.KnowledgeBase.load(c.bot().knowledgeBase()).articles().size());
    }

    @Test
    void partialSectionsTakeTheDefaults() {
        ServerConfig config = ServerConfig.of(ServerConfig.mapper().createObjectNode().set("omni",
                ServerConfig.mapper().createObjectNode()
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("kpi", ServerConfig.mapper()
                                .createObjectNode().set("emailHoursByQueue", ServerConfig.mapper().createObjectNode()
                                        .put("vip", 1.5)))
                        .set("queues", ServerConfig.mapper().createArrayNode().add(ServerConfig.mapper()
                                .createObjectNode().put("name", "support").put("order", "LINEAR")))));
        OmniConfig c = config.section("omni", OmniConfig.class, null);
        assertEquals(20, c.kpi().thresholdSeconds(Medium.VOICE, "support"));
        assertEquals(60, c.kpi().thresholdSeconds(Medium.CHAT, "support"));
        assertEquals(4 * 3600, c.kpi().thresholdSeconds(Medium.EMAIL, "support"));
        assertEquals(5400, c.kpi().thresholdSeconds(Medium.EMAIL, "vip"));
        assertEquals(QueueSettings.Order.LINEAR, c.queues().get(0).order());
        assertEquals(30, c.queues().get(0).offerTimeoutSeconds());
        assertEquals(2000, c.chat().maxMessageChars());
        assertEquals("support", c.defaultQueue());
    }

    @Test
    void aBadValueNamesItsKey() {
        ServerConfig config = ServerConfig.of(ServerConfig.mapper().createObjectNode().set("omni",
                ServerConfig.mapper().createObjectNode().set("queues", ServerConfig.mapper().createArrayNode()
                        .add(ServerConfig.mapper().createObjectNode().put("offerTimeoutSeconds", 5)))));
        Exception e = assertThrows(Exception.class, () -> config.section("omni", OmniConfig.class, null));
        assertTrue(String.valueOf(e.getMessage()).contains("omni"), e.getMessage());
    }
}
