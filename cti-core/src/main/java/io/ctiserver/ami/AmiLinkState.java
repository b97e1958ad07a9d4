package io.ctiserver.ami;

/** The state of the AMI link to one PBX, as the rest of the server is told it. */
public enum AmiLinkState {
    /** Opening the TCP connection or logging in. */
    CONNECTING,
    /** Logged in; events flow. */
    CONNECTED,
    /** Asterisk said FullyBooted: its modules are loaded and the state it reports is complete. */
    FULLY_BOOTED,
    /** The link is down; a reconnect is scheduled with backoff. */
    DISCONNECTED,
    /** The PBX refused our credentials; retried with a long backoff, never in a storm. */
    AUTH_FAILED
}
