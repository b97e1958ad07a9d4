package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.events.ScreenPop;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PasswordAndPopTest {

    @Test
    void pbkdf2HashesVerifyAndAreSalted() {
        String a = PasswordHash.hash("correct horse".toCharArray(), 2000);
        String b = PasswordHash.hash("correct horse".toCharArray(), 2000);
        assertTrue(a.startsWith("pbkdf2$2000$"));
        assertNotEquals(a, b, "random salt");
        assertTrue(PasswordHash.verify("correct horse".toCharArray(), a));
        assertFalse(PasswordHash.verify("correct horsf".toCharArray(), a));
        assertFalse(PasswordHash.verify("x".toCharArray(), "plain-text"));
        assertFalse(PasswordHash.verify("x".toCharArray(), "pbkdf2$zz$a$b"));
    }

    @Test
    void clearTextPasswordsInTheConfigAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UserDirectory(
                List.of(UserConfig.of("bob", "hunter2", Role.SUPERVISOR)), "pbx1"));
        assertTrue(e.getMessage().contains("bob"));
        assertFalse(e.getMessage().contains("hunter2"), "the secret is not echoed");
        assertThrows(IllegalArgumentException.class, () -> new UserDirectory(
                List.of(UserConfig.agent("a", Fixture.HASH, null, "A")), "pbx1"), "an agent needs an iface");
    }

    @Test
    void popFillsTheCrmTemplateUrlEncoded() {
        CallView c = Fixture.call("c 1", CallState.RINGING, Fixture.AGENT_201, "Local/201@agents-00000008;1");
        ScreenPop pop = ScreenPop.of(new CallOffered("pbx1", Instant.parse("2026-11-23T10:00:13Z"), c,
                        Fixture.AGENT_201, "Agent 201"), Map.of("customerId", "A&B"),
                "https://crm/x/{customerId}?n={callerName}&c={callId}&m={data.IVR_MENU}&u={unknown}");
        assertEquals("https://crm/x/A%26B?n=Alice+Caller&c=c+1&m=billing&u=", pop.crmUrl());
        assertEquals(10, pop.waitSeconds());
        assertTrue(pop.vip());
        assertEquals(null, ScreenPop.of(new CallOffered("pbx1", Instant.EPOCH, c, null, null), Map.of(), "").crmUrl());
    }
}
