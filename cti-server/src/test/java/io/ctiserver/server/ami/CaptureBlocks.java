package io.ctiserver.server.ami;

import io.ctiserver.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Cuts a capture into its raw message blocks (each with its CRLF lines and the blank line), byte for byte. */
final class CaptureBlocks {

    private CaptureBlocks() {
    }

    /** Every message block after the banner, as Asterisk sent it. */
    static List<String> of(String capture) {
        String text = new String(Captures.bytes(capture), StandardCharsets.ISO_8859_1);
        String body = text.substring(text.indexOf("\r\n") + 2);
        List<String> blocks = new ArrayList<>();
        for (int at = 0; at < body.length(); ) {
            int end = body.indexOf("\r\n\r\n", at);
            blocks.add(body.substring(at, end + 4));
            at = end + 4;
        }
        return blocks;
    }

    /** The response and events that answered the action with {@code actionId} in the capture, in order. */
    static List<String> answerTo(String capture, String actionId) {
        List<String> out = new ArrayList<>();
        for (String b : of(capture)) {
            if (b.contains("\r\nActionID: " + actionId + "\r\n") || b.startsWith("ActionID: " + actionId + "\r\n")) {
                out.add(b);
            }
        }
        return out;
    }

    static String withActionId(String block, String actionId) {
        return block.replaceFirst("ActionID: [^\r]*\r\n", "ActionID: " + actionId + "\r\n");
    }

    static String join(List<String> blocks, String actionId) {
        StringBuilder sb = new StringBuilder();
        for (String b : blocks) {
            sb.append(withActionId(b, actionId));
        }
        return sb.toString();
    }
}
