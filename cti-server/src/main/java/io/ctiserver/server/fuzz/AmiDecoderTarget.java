package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecodeError;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.netty.channel.ChannelHandler;
import java.util.List;

/** The AMI decoder with small limits (line 200, message 2,000 bytes) so that every limit path is reached. */
public final class AmiDecoderTarget extends DecoderTarget {
    static final int MAX_LINE = 200;
    static final int MAX_MESSAGE = 2_000;

    @Override
    public String name() {
        return "ami-decoder";
    }

    @Override
    public List<byte[]> seeds() {
        return List.of(
                ascii("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: 1\r\nMessage: Authentication"
                        + " accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\nUptime: 12\r\n\r\n"),
                ascii("Asterisk Call Manager/9.0.0\r\nEvent: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/201-"
                        + "00000001\r\nChannelState: 4\r\nCallerIDNum: 5551001\r\nUniqueid: 1795458626.1\r\nLinkedid: "
                        + "1795458626.1\r\n\r\nEvent: Hangup\r\nUniqueid: 1795458626.1\r\nCause: 16\r\n\r\n"),
                ascii("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: 7\r\nEventList: start\r\n"
                        + "Message: Channels will follow\r\n\r\nEvent: CoreShowChannel\r\nActionID: 7\r\nChannel: "
                        + "Local/201@agents-00000002;1\r\nBridgeId: \r\n\r\nEvent: CoreShowChannelsComplete\r\n"
                        + "ActionID: 7\r\nEventList: Complete\r\nListItems: 1\r\n\r\n"),
                ascii("Asterisk Call Manager/9.0.0\r\nResponse: Follows\r\nPrivilege: Command\r\nActionID: 3\r\n"
                        + "Output: Name/username   Host\r\nOutput: 201/201  (Unspecified)\r\n\r\n"),
                ascii("Asterisk Call Manager/9.0.0\r\nResponse: Error\r\nMessage: Interface not found\r\n\r\n"));
    }

    @Override
    ChannelHandler newDecoder() {
        return new AmiDecoder(true, MAX_LINE, MAX_MESSAGE);
    }

    @Override
    String render(Object o) {
        if (o instanceof AmiMessage m) {
            int total = 0;
            StringBuilder sb = new StringBuilder("M[");
            for (int i = 0; i < m.size(); i++) {
                // "Key:value" is accepted without the space too: the shortest line it can have come from.
                int line = m.key(i).length() + 1 + m.value(i).length();
                check(line <= MAX_LINE, "a line of " + line + " chars passed the " + MAX_LINE + "-byte limit");
                total += line + 1;
                sb.append(m.key(i)).append('=').append(m.value(i)).append(';');
            }
            check(total <= MAX_MESSAGE, "a message of " + total + " bytes passed the " + MAX_MESSAGE
                    + "-byte limit");
            return sb.append(']').toString();
        }
        if (o instanceof AmiDecodeError e) {
            return "E[" + e.kind() + "]";
        }
        if (o instanceof AmiBanner b) {
            return "B[" + b.text() + "]";
        }
        throw new FuzzTarget.Finding("unexpected output " + o.getClass());
    }
}
