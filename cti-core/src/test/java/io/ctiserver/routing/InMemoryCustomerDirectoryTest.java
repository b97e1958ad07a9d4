package io.ctiserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryCustomerDirectoryTest {

    @Test
    void importsCsvWithQuotesSeveralNumbersAndExtraColumnsAndReportsBadRows() throws Exception {
        String csv = """
                id,name,numbers,tier,language,product,accountManager,segment
                C1,"Doe, John",+1 (555) 100-1;5552001,gold,en,internet,PJSIP/agent1,enterprise
                C2,"Anna ""Ann"" Berg",5551002,,de,,,
                ,No Id,5551003,,,,,
                C4,No Number,,,,,,
                C5,"unterminated,5551005,,,,,
                """;
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        InMemoryCustomerDirectory.ImportResult r = dir.importCsv(new StringReader(csv));
        assertEquals(2, r.imported());
        assertEquals(3, r.rejected().size(), r.rejected().toString());
        assertTrue(r.rejected().get(0).startsWith("line 4: no id"), r.rejected().toString());
        assertTrue(r.rejected().get(1).startsWith("line 5: customer C4 has no phone number"));
        assertTrue(r.rejected().get(2).startsWith("line 6: unterminated quote"));

        Customer c1 = dir.find("15551001").orElseThrow();
        assertEquals("Doe, John", c1.name());
        assertEquals("gold", c1.tier());
        assertEquals("PJSIP/agent1", c1.accountManager());
        assertEquals(Map.of("segment", "enterprise"), c1.attributes());
        assertEquals(c1, dir.find("555-2001").orElseThrow());
        assertEquals("Anna \"Ann\" Berg", dir.find("5551002").orElseThrow().name());
        assertTrue(dir.find("unknown").isEmpty());
        assertTrue(dir.find("").isEmpty());
        assertTrue(dir.findByNumber("5551002").isDone());
    }

    @Test
    void importsJsonAndReplacesByIdWithoutLeavingOldNumbers() throws Exception {
        String json = """
                [{"id": "C1", "name": "Ada", "numbers": ["5551001"], "tier": "platinum", "vipSince": 2019},
                 {"id": "C2", "numbers": "5551002;5551012"},
                 {"name": "no id", "numbers": ["1"]},
                 42]
                """;
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        InMemoryCustomerDirectory.ImportResult r = dir.importJson(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, r.imported());
        assertEquals(List.of("[2]: no id", "[3]: a customer is a JSON object"), r.rejected());
        assertEquals("2019", dir.find("5551001").orElseThrow().attributes().get("vipSince"));
        assertEquals("C2", dir.find("5551012").orElseThrow().id());

        dir.put(new Customer("C2", "moved", List.of("5559999"), null, null, null, null, Map.of()));
        assertTrue(dir.find("5551002").isEmpty(), "the replaced record's numbers are gone");
        assertEquals("moved", dir.find("5559999").orElseThrow().name());
        assertEquals(2, dir.size());
    }

    @Test
    void importFilePicksTheFormatByExtension(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("customers.json");
        Files.writeString(json, "[{\"id\":\"J\",\"numbers\":[\"111\"]}]");
        Path csv = tmp.resolve("customers.csv");
        Files.writeString(csv, "\uFEFFid,numbers\nK,222\n");
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        assertEquals(1, dir.importFile(json).imported());
        assertEquals(1, dir.importFile(csv).imported());
        assertEquals("K", dir.find("222").orElseThrow().id());
    }
}
