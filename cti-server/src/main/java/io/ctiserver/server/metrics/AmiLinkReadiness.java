package io.ctiserver.server.metrics;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.server.ami.AmiClient;

/** Ready while the AMI link to one PBX is logged in: without it the server neither sees calls nor controls them. */
public record AmiLinkReadiness(AmiClient client) implements ReadinessCheck {

    @Override
    public String name() {
        return "ami:" + client.pbx();
    }

    @Override
    public Status check() {
        AmiLinkState s = client.state();
        String detail = s.name().toLowerCase(java.util.Locale.ROOT);
        return CtiMetrics.up(s) ? Status.ready(detail) : Status.notReady(detail);
    }
}
