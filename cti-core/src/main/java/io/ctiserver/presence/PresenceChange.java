package io.ctiserver.presence;

/**
 * An entry changed. {@code previous} is null for a line seen for the first time; {@code resync} marks changes found
 * by a snapshot after a (re)connect rather than by an event.
 */
public record PresenceChange(PresenceEntry entry, PresenceEntry previous, boolean resync) {
}
