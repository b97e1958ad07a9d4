package io.ctiserver.contact;

import java.util.List;

/** A finished contact as stored: its record and the whole conversation. */
public record StoredContact(ContactRecord record, List<TranscriptEntry> transcript) {

    public StoredContact {
        transcript = List.copyOf(transcript);
    }
}
