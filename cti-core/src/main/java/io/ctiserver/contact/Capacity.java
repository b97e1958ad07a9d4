package io.ctiserver.contact;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * How many contacts of each medium an agent may hold at once (offered or active), e.g. voice 1, chat 3, email 5.
 * Also used for an agent's current load, with the same three counters.
 */
public record Capacity(int voice, int chat, int email) {

    public static final Capacity NONE = new Capacity(0, 0, 0);
    public static final Capacity DEFAULT = new Capacity(1, 3, 5);

    public Capacity {
        if (voice < 0 || chat < 0 || email < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + voice + "/" + chat + "/" + email);
        }
    }

    public int of(Medium m) {
        return switch (m) {
            case VOICE -> voice;
            case CHAT -> chat;
            case EMAIL -> email;
        };
    }

    public Capacity plus(Medium m, int delta) {
        return new Capacity(voice + (m == Medium.VOICE ? delta : 0), chat + (m == Medium.CHAT ? delta : 0),
                email + (m == Medium.EMAIL ? delta : 0));
    }

    public Capacity with(Medium m, int value) {
        return plus(m, value - of(m));
    }

    @JsonIgnore
    public boolean isEmpty() {
        return voice == 0 && chat == 0 && email == 0;
    }
}
