package io.ctiserver.presence;

/** Told of every presence change, on the presence tracker's (the PBX consumer's) thread; must not block. */
@FunctionalInterface
public interface PresenceListener {
    void onPresence(PresenceChange change);

    /** A phone's DND or forward set on the phone (a feature code); same thread, must not block. */
    default void onPhoneSetting(PhoneSetting setting) {
    }
}
