package io.ctiserver.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.testing.Captures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feature codes' UserEvent reaches the presence listeners as a phone setting; any other UserEvent does not. */
class PhoneSettingTest {

    /** As Asterisk 22 writes app_userevent's event: the channel's snapshot, then UserEvent, then the body's pairs. */
    private static AmiMessage userEvent(String name, String... body) {
        List<String> kv = new ArrayList<>(List.of("Event", "UserEvent", "Privilege", "user,all",
                "Channel", "PJSIP/201-00000007", "ChannelState", "6", "ChannelStateDesc", "Up",
                "CallerIDNum", "201", "Context", "from-agents", "Exten", "*78", "Priority", "2",
                "Uniqueid", "1764760000.41", "Linkedid", "1764760000.41", "UserEvent", name));
        kv.addAll(List.of(body));
        return AmiMessage.of(kv.toArray(String[]::new));
    }

    private static List<PhoneSetting> feed(AmiMessage... messages) {
        PresenceTracker t = new PresenceTracker("pbx1");
        List<PhoneSetting> out = new ArrayList<>();
        List<PresenceChange> changes = new ArrayList<>();
        t.addListener(new PresenceListener() {
            @Override
            public void onPresence(PresenceChange change) {
                changes.add(change);
            }

            @Override
            public void onPhoneSetting(PhoneSetting setting) {
                out.add(setting);
            }
        });
        for (AmiMessage m : messages) {
            t.onMessage(m);
        }
        assertTrue(changes.isEmpty(), "a setting is not a presence change: " + changes);
        assertTrue(t.entries().isEmpty(), "nor a presence line");
        return out;
    }

    /** Real Asterisk 22: dialplans/cti-phones.conf's feature codes dialled as extension 201 (capture R6). */
    @Test
    void theFeatureCodesOfCaptureR6() {
        List<AmiMessage> capture = CaptureReader.readAll(Captures.file("R6_phone_feature_codes.txt"), "pbx1");
        List<PhoneSetting> got = feed(capture.toArray(AmiMessage[]::new));
        assertEquals(List.of("dnd=1", "unconditional=5551234", "unconditional=", "dnd=0"),
                got.stream().map(s -> s.setting() + "=" + s.value()).toList());
        assertTrue(got.stream().allMatch(s -> s.extension().equals("201") && s.pbx().equals("pbx1")));
    }

    @Test
    void dndAndForwardsFromTheFeatureCodes() {
        List<PhoneSetting> got = feed(
                userEvent("CtiPhoneSetting", "Extension", "201", "Setting", "dnd", "Value", "1"),
                userEvent("CtiPhoneSetting", "Extension", "201", "Setting", "unconditional", "Value", "0612345678"),
                userEvent("CtiPhoneSetting", "Extension", "201", "Setting", "busy", "Value", ""));
        assertEquals(3, got.size());
        assertEquals(new PhoneSetting("pbx1", "201", "dnd", "1", 0), got.get(0));
        assertTrue(got.get(0).isDnd());
        assertEquals("0612345678", got.get(1).value());
        assertEquals("unconditional", got.get(1).setting());
        assertEquals("", got.get(2).value(), "a forward switched off");
    }

    @Test
    void otherUserEventsAndIncompleteOnesAreNotSettings() {
        assertEquals(List.of(), feed(
                userEvent("SiteCampaignStart", "Extension", "201", "Setting", "dnd", "Value", "1"),
                userEvent("CtiPhoneSetting", "Setting", "dnd", "Value", "1"),
                userEvent("CtiPhoneSetting", "Extension", "201", "Setting", "volume", "Value", "11"),
                userEvent("CtiPhoneSetting", "Extension", " ", "Setting", "dnd", "Value", "1"),
                userEvent("CtiPhoneSetting")));
    }
}
