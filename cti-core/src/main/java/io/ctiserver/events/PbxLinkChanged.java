package io.ctiserver.events;

import io.ctiserver.ami.AmiLinkState;
import java.time.Instant;

/** The AMI link to a PBX changed state. */
public record PbxLinkChanged(String pbx, Instant time, AmiLinkState state, String detail) implements CtiEvent {
    @Override
    public String type() {
        return "pbx.status";
    }
}
