package io.ctiserver.presence;

/** One registered (or static) contact of a PJSIP endpoint's AOR. */
public record Contact(String uri, ContactStatus status, Long roundtripUsec) {
}
