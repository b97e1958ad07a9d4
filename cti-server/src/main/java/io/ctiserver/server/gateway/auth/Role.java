package io.ctiserver.server.gateway.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a user of the gateway is. */
public enum Role {
    /** Controls the calls on their own device and their own queue membership. */
    AGENT,
    /** Sees everything; monitors, whispers, barges; changes any agent's state. */
    SUPERVISOR,
    /** Everything a supervisor may, plus call control on any call. */
    ADMIN,
    /** A CRM plugin: reads events; dials on behalf of agents only when its config allows it. */
    INTEGRATION;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** Supervisors, admins and integrations receive every event by default. */
    public boolean seesEverything() {
        return this != AGENT;
    }

    public boolean supervises() {
        return this == SUPERVISOR || this == ADMIN;
    }
}
