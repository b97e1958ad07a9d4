package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.ContactState;
import io.ctiserver.contact.InMemoryContactStore;
import io.ctiserver.contact.Medium;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine without sockets: voice blending from tracker events, the busy:chat pause, KPIs per medium. */
class OmniServiceTest {

    private final List<String> pauses = new CopyOnWriteArrayList<>();
    private final OmniService omni = new OmniService(OmniConfig.defaults(), new InMemoryContactStore(10), null, null,
            Clock.systemUTC());

    {
        omni.voicePauser((agent, paused, reason) -> pauses.add(agent + " " + paused + " " + reason))
                .agentsByIface(iface -> iface.equals("PJSIP/ann") ? "ann" : null);
    }

    @AfterEach
    void stop() {
        omni.close();
    }

    private static final CustomerLink NOBODY = new CustomerLink() {
        @Override
        public void send(byte[] frame) {
        }

        @Override
        public void close(byte[] lastFrame) {
        }
    };

    private String chat(String name) throws Exception {
        return omni.startChat(new OmniService.ChatStart(name, name + "@example.com", null, null), NOBODY)
                .get(5, TimeUnit.SECONDS);
    }

    private ContactState state(String id) throws Exception {
        return omni.contact(id).map(v -> v.state()).orElse(null);
    }

    private void phone(AgentState s) {
        omni.onEvent(new AgentStateChanged("pbx1", Instant.now(), new AgentView("pbx1", "PJSIP/ann", "Ann", s, null,
                List.of("support"), null, Instant.now()), AgentState.AVAILABLE));
    }

    @Test
    void chatsFillingTheAgentPauseVoiceAndACallBlocksNewChats() throws Exception {
        omni.ready("ann", true, List.of()).get(5, TimeUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(chat("c" + i));
        }
        for (String id : ids) {
            omni.accept("ann", id).get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of("ann true busy:chat"), pauses);
        omni.close("ann", ids.get(0), "solved", null).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("ann true busy:chat", "ann false busy:chat"), pauses);
        omni.close("ann", ids.get(1), "solved", null).get(5, TimeUnit.SECONDS);

        phone(AgentState.ON_CALL);
        String during = chat("during-call");
        assertEquals(ContactState.QUEUED, state(during), "a voice call blocks new chats");
        assertEquals(1, omni.loads().get(0).load().voice());
        phone(AgentState.AVAILABLE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (state(during) != ContactState.OFFERED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(ContactState.OFFERED, state(during), "offered once the call ended");
    }

    @Test
    void kpisPerMediumFromClosedContacts() throws Exception {
        omni.ready("ann", true, List.of()).get(5, TimeUnit.SECONDS);
        String a = chat("a");
        omni.accept("ann", a).get(5, TimeUnit.SECONDS);
        omni.agentMessage("ann", a, "hi").get(5, TimeUnit.SECONDS);
        omni.close("ann", a, "solved", null).get(5, TimeUnit.SECONDS);
        String b = chat("b");
        omni.customerClosed(b).get(5, TimeUnit.SECONDS); // left before anyone answered
        ContactKpis.Snapshot s = omni.kpis();
        ContactKpis.Figures chat = s.of(Medium.CHAT, "support");
        assertEquals(2, chat.offered());
        assertEquals(1, chat.answered());
        assertEquals(1, chat.abandoned());
        assertEquals(100.0, chat.serviceLevelPercent());
        assertEquals(50.0, chat.abandonRatePercent());
        assertNull(s.of(Medium.EMAIL, null));
        assertTrue(s.occupancy().staffedSeconds() >= 0);
        assertTrue(omni.store().find(a).orElseThrow().transcript().stream().anyMatch(e -> e.text().equals("hi")));
    }
}
