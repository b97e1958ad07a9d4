package io.ctiserver.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every input that found a bug, kept; and the decoders' seeds cut at every position. (The long run's figures and
 * findings are in docs/reliability.md.)
 */
class FuzzRegressionTest {

    static final String ENV = "agi_network: yes\nagi_network_script: route\nagi_request: agi://127.0.0.1:4573/route\n"
            + "agi_channel: PJSIP/sipp-00000001\nagi_arg_1: x\n\n";

    @Test
    void theDecodersSeedsCutAtEveryPositionDecodeAsWhole() {
        FuzzTargets.AmiDecoderTarget ami = new FuzzTargets.AmiDecoderTarget();
        for (byte[] seed : ami.seeds()) {
            ami.run(seed, FuzzTargets.everyCut(seed));
        }
        FuzzTargets.AgiDecoderTarget agi = new FuzzTargets.AgiDecoderTarget();
        for (byte[] seed : agi.seeds()) {
            agi.run(seed, FuzzTargets.everyCut(seed));
        }
    }

    /** Found 2026-12-03: a reply line over the limit was accepted when it arrived in one read, refused in pieces. */
    @Test
    void anOverlongAgiReplyLineIsRefusedHoweverItArrives() {
        byte[] in = (ENV + "200 result=1 (8:5551001)" + "x".repeat(300) + "\n510 Invalid or unknown command\nHANGUP\n")
                .getBytes(StandardCharsets.UTF_8);
        List<String> whole = FuzzTargets.AgiDecoderTarget.decode(List.of(in));
        assertEquals("E[false]", whole.get(1), whole.toString());
        new FuzzTargets.AgiDecoderTarget().run(in, FuzzTargets.everyCut(in));
    }

    /** Found 2026-12-03: the same for an environment line (fatal either way now). */
    @Test
    void anOverlongEnvironmentLineIsFatalHoweverItArrives() {
        byte[] in = ("agi_network: yes\nagi_request: agi://127.0.0.1:4573/" + "x".repeat(300) + "\n\n200 result=1\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("E[true]"), FuzzTargets.AgiDecoderTarget.decode(List.of(in)));
        new FuzzTargets.AgiDecoderTarget().run(in, FuzzTargets.everyCut(in));
    }

    /**
     * Found 2026-12-03: a bad %-escape in the query string was a 500 (route what-if), and in the path closed the
     * connection without an answer; both are a 400 now.
     */
    @Test
    void aBadPercentEscapeIsA400() {
        FuzzTargets.RestQueryTarget rest = new FuzzTargets.RestQueryTarget();
        rest.run("\u0000number=%E2%82%AC&time=bad&&=&a&b=%zz".getBytes(StandardCharsets.ISO_8859_1));
        rest.run("\u0001%zz".getBytes(StandardCharsets.ISO_8859_1));
        rest.run("\u0001%".getBytes(StandardCharsets.ISO_8859_1));
        rest.run("\u0002a=%".getBytes(StandardCharsets.ISO_8859_1));
    }
}
