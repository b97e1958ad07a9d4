package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.phone.PhoneDevice;
import io.ctiserver.server.gateway.commands.phone.PhonesConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code phones} section: vendor defaults, per-device overrides, whose phone is whose, clear errors. */
class PhonesConfigTest {

    private static PhonesConfig parse(String json) throws Exception {
        return ServerConfig.of((com.fasterxml.jackson.databind.node.ObjectNode) ServerConfig.mapper()
                .readTree("{\"phones\":" + json + "}")).section("phones", PhonesConfig.class, null);
    }

    @Test
    void vendorDefaultsAndOverrides() throws Exception {
        PhonesConfig p = parse("""
                {"devices":[
                  {"device":"PJSIP/201","users":["agent201"],"vendor":"yealink"},
                  {"device":"PJSIP/202","vendor":"snom","answerEvent":"none","hold":"redirect"},
                  {"device":"PJSIP/203","vendor":"generic","autoAnswer":"Alert-Info: info=alert-autoanswer"}]}
                """);
        assertEquals("CTI_DND", p.dndFamily());
        assertEquals("CTI_FWD", p.forwardFamily());
        PhoneDevice y = p.device("PJSIP/201");
        assertEquals("talk", y.effectiveAnswerEvent());
        assertTrue(y.holdsByNotify());
        assertEquals("Call-Info: answer-after=0", y.effectiveAutoAnswer());
        PhoneDevice s = p.device("pjsip/202");
        assertNull(s.effectiveAnswerEvent(), "'none' switches the vendor's answer off");
        assertFalse(s.holdsByNotify(), "hold: redirect");
        assertEquals("Alert-Info: info=alert-autoanswer", p.device("PJSIP/203").effectiveAutoAnswer());
        assertEquals("203", p.device("PJSIP/203").effectiveExtension());

        UserDirectory users = new UserDirectory(Fixture.users(), "pbx1");
        assertEquals("PJSIP/201", p.phoneOf(users.byName("agent201").orElseThrow()).orElseThrow().device(),
                "the entry naming the user wins over the user's own device");
        assertEquals("PJSIP/agent1", p.phoneOf(users.byName("agent1").orElseThrow()).orElseThrow().device(),
                "else the user's device, as a generic phone");
        assertTrue(p.phoneOf(users.byName("admin").orElseThrow()).isEmpty());
    }

    @Test
    void badInputIsAClearError() {
        IllegalArgumentException vendor = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"devices\":[{\"device\":\"PJSIP/201\",\"vendor\":\"acme\"}]}"));
        assertTrue(vendor.getMessage().contains("unknown vendor 'acme'"), vendor.getMessage());
        IllegalArgumentException device = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"devices\":[{\"device\":\"201\"}]}"));
        assertTrue(device.getMessage().contains("TECH/RESOURCE"), device.getMessage());
        IllegalArgumentException family = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"dndFamily\":\"CTI/DND\"}"));
        assertTrue(family.getMessage().contains("no slash"), family.getMessage());
        IllegalArgumentException hold = assertThrows(IllegalArgumentException.class,
                () -> parse("{\"devices\":[{\"device\":\"PJSIP/1\",\"hold\":\"park\"}]}"));
        assertTrue(hold.getMessage().contains("'notify' or 'redirect'"), hold.getMessage());
        assertEquals(List.of(), PhonesConfig.defaults().devices());
    }
}
