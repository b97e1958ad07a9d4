package io.ctiserver.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md's reference tables hold exactly the keys of the config records, with their types and defaults. */
class ConfigReferenceTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (.+?) \\| (.+?) \\| (.*) \\|$");

    @Test
    void referenceTablesMatchTheRecords() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        String reference = text.substring(text.indexOf("\n## Reference"));
        List<String> documented = new ArrayList<>();
        for (String line : reference.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                assertFalse(m.group(4).isBlank(), "no meaning for " + m.group(1));
                documented.add(m.group(1) + " | " + m.group(2) + " | " + m.group(3).replace("\\|", "|"));
            }
        }
        List<String> actual = ConfigReference.rows().stream()
                .map(r -> r.path() + " | " + r.type() + " | " + r.defaultValue()).toList();
        assertEquals(String.join("\n", actual), String.join("\n", documented),
                "docs/configuration.md's reference differs from the records: run 'cti-server config reference'");
    }

    @Test
    void everySectionIsInTheReference() {
        List<String> sections = ConfigReference.rows().stream()
                .map(r -> r.path().substring(0, r.path().indexOf('.'))).distinct().toList();
        assertEquals(ConfigSections.names(), sections);
        assertTrue(ConfigReference.rows().stream().anyMatch(r -> r.path().equals("pbx.servers[].secretFile")));
    }
}
