package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.sim.AgiWords;
import io.ctiserver.server.sim.DialplanText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VariableBatchTest {

    /** What Asterisk makes of an {@code EXEC MSet} line: res_agi's words, then MSet's pairs. */
    private static Map<String, String> asteriskSets(String line) {
        List<String> words = AgiWords.split(line);
        assertEquals(List.of("EXEC", "MSet"), words.subList(0, 2));
        assertEquals(3, words.size(), "one argument for the application: " + words);
        Map<String, String> set = new LinkedHashMap<>();
        for (String pair : DialplanText.separateAppArgs(words.get(2), ',', 99)) {
            List<String> nv = DialplanText.separateAppArgs(pair, '=', 2);
            set.put(nv.get(0), nv.get(1));
        }
        return set;
    }

    @Test
    void msetCarriesEveryValueThroughBothParsers() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("CTI_QUEUE", "support");
        vars.put("CTI_ROUTE_REASON", "VIP (gold): account manager PJSIP/agent1, 20 s; then queue \"support\"");
        vars.put("CTI_CUSTOMER_ID", "a\\b|c[d]e=f g");
        vars.put("CTI_AGENT", "");
        vars.put("CTI_NAME", "Zoë {NOT} 50%");
        String line = VariableBatch.mset(vars).orElseThrow().line();
        assertEquals(vars, asteriskSets(line), line);
    }

    @Test
    void unfitBatchesAreNotBuilt() {
        assertEquals(Optional.empty(), VariableBatch.mset(Map.of()));
        assertEquals(Optional.empty(), VariableBatch.mset(Map.of("BAD NAME", "x")));
        assertEquals(Optional.empty(), VariableBatch.mset(Map.of("X", "${OTHER}")),
                "AGIEXECFULL=yes would substitute it: one SET VARIABLE instead");
        assertEquals(Optional.empty(), VariableBatch.mset(Map.of("X", "y".repeat(VariableBatch.MAX_LINE_BYTES))));
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < VariableBatch.MAX_PAIRS + 1; i++) {
            many.put("V" + i, "1");
        }
        assertEquals(Optional.empty(), VariableBatch.mset(many));
        assertEquals(Optional.empty(), VariableBatch.read(List.of("A}B")));
        assertEquals(Optional.empty(), VariableBatch.read(List.of()));
    }

    @Test
    void readSplitsAnyValuesBackExactly() {
        List<String> names = List.of("CHANNEL(linkedid)", "IVR_CHOICE", "UNSET", "ACCOUNT");
        Map<String, String> channel = Map.of("CHANNEL(linkedid)", "1795458467.0", "IVR_CHOICE", "3:)(5:x",
                "ACCOUNT", "Zoë, 12");
        String expr = AgiWords.split(VariableBatch.read(names).orElseThrow().line()).get(3);
        String reply = DialplanText.substitute(expr, channel::get);
        Map<String, String> values = VariableBatch.parse(names, reply).orElseThrow();
        assertEquals(List.of("1795458467.0", "3:)(5:x", "", "Zoë, 12"), List.copyOf(values.values()));
        assertEquals(names, List.copyOf(values.keySet()));
    }

    @Test
    void aReplyThatDoesNotSplitExactlyIsRefused() {
        List<String> two = List.of("A", "B");
        assertEquals(Optional.empty(), VariableBatch.parse(two, "1:x"), "too short");
        assertEquals(Optional.empty(), VariableBatch.parse(two, "1:x1:yz"), "too long");
        assertEquals(Optional.empty(), VariableBatch.parse(two, "1:x:y"), "no length");
        assertEquals(Optional.empty(), VariableBatch.parse(two, null));
        assertTrue(VariableBatch.parse(two, "1:x0:").isPresent());
    }
}
