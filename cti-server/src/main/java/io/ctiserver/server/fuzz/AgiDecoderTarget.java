package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import io.ctiserver.server.agi.codec.AgiDecodeError;
import io.ctiserver.server.agi.codec.AgiDecoder;
import io.ctiserver.server.agi.codec.AgiHangup;
import io.ctiserver.server.agi.codec.AgiReply;
import io.ctiserver.server.agi.codec.AgiRequest;
import io.netty.channel.ChannelHandler;
import java.util.List;

/** The FastAGI decoder (environment, then replies) with small limits (line 200, environment 2,000 bytes). */
public final class AgiDecoderTarget extends DecoderTarget {
    static final int MAX_LINE = 200;
    static final int MAX_ENV = 2_000;

    @Override
    public String name() {
        return "agi-decoder";
    }

    @Override
    public List<byte[]> seeds() {
        String env = "agi_network: yes\nagi_network_script: route\nagi_request: agi://127.0.0.1:4573/route\n"
                + "agi_channel: PJSIP/sipp-00000001\nagi_language: en\nagi_uniqueid: 1795458626.1\n"
                + "agi_callerid: 5551001\nagi_arg_1: x\n\n";
        return List.of(ascii(env + "200 result=1\n200 result=0 (timeout)\n"),
                ascii(env + "200 result=1 (8:5551001)\n510 Invalid or unknown command\nHANGUP\n"),
                ascii(env + "520-Invalid command syntax.  Proper usage follows:\nUsage: GET DATA\n"
                        + "520 End of proper usage.\n511 Command Not Permitted on a dead channel\n"),
                ascii("agi_network: yes\r\nagi_request: agi://h/survey\r\n\r\n200 result=-1\r\n"));
    }

    @Override
    ChannelHandler newDecoder() {
        return new AgiDecoder(MAX_LINE, MAX_ENV);
    }

    @Override
    String render(Object o) {
        if (o instanceof AgiRequest r) {
            int total = 0;
            for (var e : r.env().entrySet()) {
                // "agi_key:value" is accepted without the space too: the shortest line it can have come from.
                int line = e.getKey().length() + 1 + e.getValue().length();
                check(line <= MAX_LINE, "an environment line of " + line + " chars passed the limit");
                total += line + 1;
            }
            check(total <= MAX_ENV + 1, "an environment of " + total + " bytes passed the limit");
            return "R" + r.env() + r.args();
        }
        if (o instanceof AgiReply r) {
            return "P" + r;
        }
        if (o instanceof AgiHangup) {
            return "H";
        }
        if (o instanceof AgiDecodeError e) {
            return "E[" + e.fatal() + "]";
        }
        throw new FuzzTarget.Finding("unexpected output " + o.getClass());
    }
}
