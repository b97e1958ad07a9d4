package io.ctiserver.presence;

/** Whether a phone has a contact Asterisk can reach it at: UNKNOWN for non-PJSIP devices and before any report. */
public enum Registration {
    REGISTERED, UNREGISTERED, UNKNOWN
}
