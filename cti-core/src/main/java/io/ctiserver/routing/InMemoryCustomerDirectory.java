package io.ctiserver.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded customer directory: customers held in memory, indexed by normalised phone number, filled by an import
 * from CSV or JSON. Lookups answer at once and are safe from any thread; an import replaces records by id and may run
 * while calls are being routed.
 *
 * <p>CSV: a header row names the columns; {@code id}, {@code name}, {@code numbers} (several separated by {@code ;}),
 * {@code tier}, {@code language}, {@code product} and {@code accountManager} are known, any other column becomes an
 * attribute. JSON: an array of objects with the same field names ({@code numbers} may be an array).
 */
public final class InMemoryCustomerDirectory implements CustomerDirectory {

    private static final List<String> KNOWN = List.of("id", "name", "numbers", "tier", "language", "product",
            "accountManager");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an import did: how many records it took, and why it refused the others (line or index, reason). */
    public record ImportResult(int imported, List<String> rejected) {
        public ImportResult {
            rejected = List.copyOf(rejected);
        }
    }

    private final Map<String, Customer> byNumber = new ConcurrentHashMap<>();
    private final Map<String, Customer> byId = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Optional<Customer>> findByNumber(String callerNumber) {
        return CompletableFuture.completedFuture(find(callerNumber));
    }

    public Optional<Customer> find(String callerNumber) {
        String key = PhoneNumbers.normalize(callerNumber);
        return key.isEmpty() ? Optional.empty() : Optional.ofNullable(byNumber.get(key));
    }

    public int size() {
        return byId.size();
    }

    /** Adds or replaces (by id) one customer. */
    public void put(Customer c) {
        Customer old = byId.put(c.id(), c);
        if (old != null) {
            old.numbers().forEach(n -> byNumber.remove(PhoneNumbers.normalize(n), old));
        }
        for (String n : c.numbers()) {
            String key = PhoneNumbers.normalize(n);
            if (!key.isEmpty()) {
                byNumber.put(key, c);
            }
        }
    }

    /** Imports a file, CSV or JSON by its extension ({@code .json}, anything else is CSV). */
    public ImportResult importFile(Path file) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            try (InputStream in = Files.newInputStream(file)) {
                return importJson(in);
            }
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return importCsv(r);
        }
    }

    public ImportResult importJson(InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        if (root == null || !root.isArray()) {
            throw new IOException("customer JSON must be an array of objects");
        }
        int imported = 0;
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            try {
                put(fromJson(root.get(i)));
                imported++;
            } catch (IllegalArgumentException e) {
                rejected.add("[" + i + "]: " + e.getMessage());
            }
        }
        return new ImportResult(imported, rejected);
    }

    public ImportResult importCsv(Reader reader) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String headerLine = in.readLine();
        if (headerLine == null) {
            return new ImportResult(0, List.of());
        }
        List<String> header = Csv.split(stripBom(headerLine));
        int imported = 0;
        List<String> rejected = new ArrayList<>();
        String line;
        int lineNo = 1;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells;
            try {
                cells = Csv.split(line);
            } catch (IllegalArgumentException e) {
                rejected.add("line " + lineNo + ": " + e.getMessage());
                continue;
            }
            if (cells.size() > header.size()) {
                rejected.add("line " + lineNo + ": " + cells.size() + " cells but " + header.size() + " columns");
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < cells.size(); i++) {
                fields.put(header.get(i).trim(), cells.get(i).trim());
            }
            List<String> numbers = new ArrayList<>();
            for (String n : fields.getOrDefault("numbers", "").split(";")) {
                if (!n.isBlank()) {
                    numbers.add(n.trim());
                }
            }
            String error = add(fields, numbers);
            if (error == null) {
                imported++;
            } else {
                rejected.add("line " + lineNo + ": " + error);
            }
        }
        return new ImportResult(imported, rejected);
    }

    private String add(Map<String, String> fields, List<String> numbers) {
        try {
            put(toCustomer(fields, numbers));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * A customer from one JSON object with the directory's field names (what a CRM connector receives).
     *
     * @throws IllegalArgumentException when it has no id or no phone number
     */
    public static Customer fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a customer is a JSON object");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> numbers = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("numbers") && e.getValue().isArray()) {
                e.getValue().forEach(v -> numbers.add(v.asText()));
            } else if (e.getKey().equals("numbers")) {
                for (String s : e.getValue().asText().split(";")) {
                    numbers.add(s.trim());
                }
            } else if (!e.getValue().isNull()) {
                fields.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        return toCustomer(fields, numbers);
    }

    private static Customer toCustomer(Map<String, String> fields, List<String> numbers) {
        String id = blankToNull(fields.get("id"));
        if (id == null) {
            throw new IllegalArgumentException("no id");
        }
        if (numbers.stream().map(PhoneNumbers::normalize).allMatch(String::isEmpty)) {
            throw new IllegalArgumentException("customer " + id + " has no phone number");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (!KNOWN.contains(k) && v != null && !v.isEmpty()) {
                attributes.put(k, v);
            }
        });
        return new Customer(id, blankToNull(fields.get("name")), numbers, blankToNull(fields.get("tier")),
                blankToNull(fields.get("language")), blankToNull(fields.get("product")),
                blankToNull(fields.get("accountManager")), attributes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String stripBom(String s) {
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    /** RFC 4180 cells of one line: commas, double quotes, doubled quotes inside quotes. */
    static final class Csv {
        private Csv() {
        }

        static List<String> split(String line) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException("unterminated quote");
            }
            cells.add(cell.toString());
            return cells;
        }
    }
}
