package io.ctiserver.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The published contracts as JSON Schemas (networknt json-schema-validator, draft 2020-12): the AsyncAPI document of
 * the WebSocket ({@code docs/desktop-protocol.asyncapi.yaml}) and the OpenAPI document of REST (the bundled
 * {@code gateway/openapi.json}). The test clients pass every WebSocket message and REST answer they see through
 * {@link #wsMessageProblems} and {@link #restAnswerProblems}, so a change in what the server sends that the documents
 * do not describe fails the test that saw it.
 *
 * <p>Each document is registered whole under an IRI of its own, with the schemas to check against added to it under
 * {@code x-contract}, so that their {@code #/components/...} references resolve inside the same document.
 */
public final class Contracts {

    static final String ASYNCAPI_IRI = "https://contracts.ctiserver.invalid/asyncapi.json";
    static final String OPENAPI_IRI = "https://contracts.ctiserver.invalid/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static volatile Contracts instance;

    final JsonNode asyncApi;
    final JsonNode openApi;
    private final SchemaRegistry registry;
    private final Schema serverToDesktop;
    private final Schema desktopToServer;
    /** "METHOD path-regex status" -> schema, in document order. */
    private final Map<String, Optional<Schema>> responses = new LinkedHashMap<>();
    private final Map<String, Pattern> pathPatterns = new LinkedHashMap<>();
    private final Map<String, Schema> byPointer = new ConcurrentHashMap<>();

    private Contracts() {
        try {
            Path root = repositoryRoot();
            asyncApi = new YAMLMapper().readTree(root.resolve("docs/desktop-protocol.asyncapi.yaml").toFile());
            try (InputStream in = Contracts.class.getResourceAsStream("/gateway/openapi.json")) {
                openApi = JSON.readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the contract documents", e);
        }
        ObjectNode async = asyncApi.deepCopy();
        ObjectNode asyncChecks = async.putObject("x-contract");
        asyncChecks.set("subscribe", oneOfMessages(asyncApi.at("/channels/~1ws/subscribe/message/oneOf")));
        asyncChecks.set("publish", oneOfMessages(asyncApi.at("/channels/~1ws/publish/message/oneOf")));

        ObjectNode open = openApi.deepCopy();
        ObjectNode openChecks = open.putObject("x-contract");
        int n = 0;
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = openApi.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            pathPatterns.put(path.getKey(), Pattern.compile(
                    path.getKey().replaceAll("\\{[^}]+}", "[^/]+")));
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> op = m.next();
                for (Iterator<Map.Entry<String, JsonNode>> r = op.getValue().path("responses").fields(); r.hasNext(); ) {
                    Map.Entry<String, JsonNode> resp = r.next();
                    JsonNode response = resolve(openApi, resp.getValue());
                    JsonNode schema = response.at("/content/application~1json/schema");
                    String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + resp.getKey();
                    keys.add(key);
                    if (!schema.isMissingNode()) {
                        openChecks.set("r" + n, schema);
                    }
                    responses.put(key, Optional.empty());
                    n++;
                }
            }
        }
        Map<String, String> documents = Map.of(ASYNCAPI_IRI, async.toString(), OPENAPI_IRI, open.toString());
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(documents::get));
        serverToDesktop = registry.getSchema(SchemaLocation.of(ASYNCAPI_IRI + "#/x-contract/subscribe"));
        desktopToServer = registry.getSchema(SchemaLocation.of(ASYNCAPI_IRI + "#/x-contract/publish"));
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (openChecks.has("r" + i)) {
                responses.put(key, Optional.of(registry.getSchema(SchemaLocation.of(OPENAPI_IRI + "#/x-contract/r" + i))));
            }
        }
    }

    public static Contracts get() {
        Contracts c = instance;
        if (c == null) {
            synchronized (Contracts.class) {
                c = instance;
                if (c == null) {
                    c = new Contracts();
                    instance = c;
                }
            }
        }
        return c;
    }

    /** {@code {"oneOf": [{"$ref": "#/components/messages/X/payload"}, ...]}} for a channel operation's messages. */
    private static ObjectNode oneOfMessages(JsonNode refs) {
        ObjectNode s = JSON.createObjectNode();
        ArrayNode oneOf = s.putArray("oneOf");
        for (JsonNode r : refs) {
            oneOf.addObject().put("$ref", r.path("$ref").asText() + "/payload");
        }
        return s;
    }

    static JsonNode resolve(JsonNode document, JsonNode node) {
        JsonNode n = node;
        for (int i = 0; i < 10 && n.has("$ref"); i++) {
            n = document.at(n.get("$ref").asText().substring(1));
        }
        return n;
    }

    /** Problems of a message the server sent on the WebSocket; empty when it matches exactly one documented message. */
    public List<String> wsMessageProblems(String json) {
        return problems(serverToDesktop, json, "WebSocket message");
    }

    /**
     * The same, for a test client that may receive thousands of frames: each client checks only the first
     * {@code perType} frames of each message type (validation costs far more than the test itself under traffic, and
     * a client that falls behind makes timed waits fail), counting in {@code seen}, which the client owns.
     * {@code parsed} is the client's own parse of {@code json} (its type is read there; the validator reads the text
     * with its own parser), {@code {"unparseable": TEXT}} when it was not JSON.
     */
    public List<String> sampledWsMessageProblems(String json, JsonNode parsed, Map<String, Integer> seen,
                                                 int perType) {
        if (parsed.has("unparseable") && parsed.size() == 1) {
            return List.of("WebSocket message is not JSON: " + cut(json));
        }
        if (seen.merge(parsed.path("type").asText("?"), 1, Integer::sum) > perType) {
            return List.of();
        }
        return wsMessageProblems(json);
    }

    /** Problems of a message a desktop sends. */
    public List<String> wsCommandProblems(String json) {
        return problems(desktopToServer, json, "desktop message");
    }

    /** A schema inside the AsyncAPI document by JSON pointer, e.g. {@code /components/schemas/ScreenPop}. */
    public Schema asyncApiSchema(String pointer) {
        return byPointer.computeIfAbsent("a" + pointer,
                k -> registry.getSchema(SchemaLocation.of(ASYNCAPI_IRI + "#" + pointer)));
    }

    /**
     * Problems of a REST answer: its status must be documented for the operation, and a JSON body must match the
     * documented schema. Non-JSON bodies (the metrics text, static files) are checked for the status only.
     */
    public List<String> restAnswerProblems(String method, String pathAndQuery, int status, String contentType,
                                           String body) {
        String path = pathAndQuery.split("\\?", 2)[0];
        String template = pathPatterns.entrySet().stream().filter(e -> e.getValue().matcher(path).matches())
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (template == null) {
            if (!path.startsWith("/api/")) {
                return List.of(); // static files
            }
            // an undocumented path: the server must answer it with the documented error body and 404
            return status == 404 ? problems(errorAnswer(), body, method + " " + path + " 404")
                    : List.of(method + " " + path + " is not in the OpenAPI document (status " + status + ")");
        }
        String key = method.toUpperCase(Locale.ROOT) + " " + template + " " + status;
        Optional<Schema> schema = responses.get(key);
        if (schema == null) {
            schema = responses.get(method.toUpperCase(Locale.ROOT) + " " + template + " default");
        }
        if (schema == null) {
            return List.of(method + " " + path + ": status " + status + " is not documented (body: " + cut(body) + ")");
        }
        if (schema.isEmpty() || contentType == null || !contentType.startsWith("application/json")) {
            return List.of();
        }
        return problems(schema.get(), body, method + " " + path + " " + status);
    }

    private Schema errorAnswer() {
        return byPointer.computeIfAbsent("o/error",
                k -> registry.getSchema(SchemaLocation.of(OPENAPI_IRI + "#/components/schemas/ErrorAnswer")));
    }

    static List<String> problems(Schema schema, String json, String what) {
        List<Error> errors = schema.validate(json, InputFormat.JSON);
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            out.add(what + " " + e.getInstanceLocation() + ": " + e.getMessage() + " — in " + cut(json));
        }
        return out;
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/desktop-protocol.asyncapi.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("docs/desktop-protocol.asyncapi.yaml not found above " + Path.of("")
                    .toAbsolutePath());
        }
        return p;
    }
}
