package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;
import static io.ctiserver.server.fuzz.FuzzTargets.ascii;

import io.ctiserver.server.agi.VariableBatch;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The route dialog's batched read: any answer splits without an exception and only into the names asked for;
 * values made from the input, put in Asterisk's length-prefixed form, split back exactly; a batched write
 * (MSet) is never longer than its limit.
 */
final class AgiVariablesTarget implements FuzzTarget {
    static final List<String> NAMES = List.of("CALLERID(num)", "CTI_QUEUE", "IVR_CHOICE", "CHANNEL(linkedid)",
            "X");

    @Override
    public String name() {
        return "agi-variables";
    }

    @Override
    public List<byte[]> seeds() {
        return List.of(ascii("\u00037:5551001"), ascii("\u00051:2"), ascii("\u00040:"), ascii("\u00023:a:b1:("),
                ascii("\u00045:${X}2:\"\"0:3:\u00e9\u00e8"));
    }

    @Override
    public void run(byte[] in) {
        int n = in.length == 0 ? 1 : 1 + Math.floorMod(in[0], NAMES.size());
        List<String> names = NAMES.subList(0, n);
        String data = new String(in, Math.min(1, in.length), Math.max(0, in.length - 1), StandardCharsets.UTF_8);
        Optional<Map<String, String>> parsed = VariableBatch.parse(names, data);
        parsed.ifPresent(m -> check(names.containsAll(m.keySet()), "names not asked for: " + m.keySet()));

        // Round trip: n values cut from the data, in Asterisk's answer form ${LEN(v)}:v (LEN counts bytes).
        Map<String, String> values = new LinkedHashMap<>();
        int step = Math.max(1, data.length() / n);
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String v = data.substring(Math.min(data.length(), i * step),
                    i == n - 1 ? data.length() : Math.min(data.length(), (i + 1) * step));
            if (Character.isLowSurrogate(v.isEmpty() ? 'x' : v.charAt(0))
                    || Character.isHighSurrogate(v.isEmpty() ? 'x' : v.charAt(v.length() - 1))) {
                return; // a value cut inside a surrogate pair is no text Asterisk could hold
            }
            values.put(names.get(i), v);
            answer.append(v.getBytes(StandardCharsets.UTF_8).length).append(':').append(v);
        }
        Optional<Map<String, String>> back = VariableBatch.parse(names, answer.toString());
        check(back.isPresent() && back.get().equals(values), "values " + values + " came back as " + back);

        Optional<String> mset = VariableBatch.msetArguments(values);
        mset.ifPresent(a -> check(a.getBytes(StandardCharsets.UTF_8).length <= VariableBatch.MAX_LINE_BYTES,
                "an MSet line of " + a.length() + " chars"));
    }
}
