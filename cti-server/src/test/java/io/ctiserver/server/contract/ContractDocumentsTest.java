package io.ctiserver.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The contract documents themselves lint clean: every OpenAPI operation declares its security (Redocly's
 * {@code security-defined}), has a unique operationId, a summary and declared path parameters; every {@code $ref}
 * in both documents resolves; the branches of the AsyncAPI {@code oneOf}s are mutually exclusive on sample messages.
 */
class ContractDocumentsTest {

    private final Contracts contracts = Contracts.get();

    @Test
    void everyOpenApiOperationDeclaresSecurityAndIsWellFormed() {
        JsonNode doc = contracts.openApi;
        boolean globalSecurity = doc.has("security");
        Set<String> ids = new HashSet<>();
        Set<String> schemes = new HashSet<>();
        doc.path("components").path("securitySchemes").fieldNames().forEachRemaining(schemes::add);
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> op = m.next();
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode o = op.getValue();
                if (!o.has("security") && !globalSecurity) {
                    problems.add(where + ": no security entry (say `security: []` for an open operation)");
                }
                for (JsonNode requirement : o.path("security")) {
                    requirement.fieldNames().forEachRemaining(s -> {
                        if (!schemes.contains(s)) {
                            problems.add(where + ": unknown security scheme " + s);
                        }
                    });
                }
                if (!o.hasNonNull("summary")) {
                    problems.add(where + ": no summary");
                }
                if (!o.hasNonNull("operationId") || !ids.add(o.get("operationId").asText())) {
                    problems.add(where + ": missing or duplicate operationId");
                }
                if (!o.has("responses") || o.path("responses").isEmpty()) {
                    problems.add(where + ": no responses");
                }
                Matcher params = Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
                while (params.find()) {
                    String name = params.group(1);
                    boolean declared = false;
                    for (JsonNode prm : o.path("parameters")) {
                        JsonNode r = Contracts.resolve(doc, prm);
                        declared |= r.path("in").asText().equals("path") && r.path("name").asText().equals(name);
                    }
                    for (JsonNode prm : path.getValue().path("parameters")) {
                        JsonNode r = Contracts.resolve(doc, prm);
                        declared |= r.path("in").asText().equals("path") && r.path("name").asText().equals(name);
                    }
                    if (!declared) {
                        problems.add(where + ": path parameter " + name + " not declared");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(ids.size() > 10, "operations found: " + ids);
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        int[] count = {0};
        refs(contracts.openApi, contracts.openApi, "openapi", broken, count);
        refs(contracts.asyncApi, contracts.asyncApi, "asyncapi", broken, count);
        assertEquals(List.of(), broken);
        assertTrue(count[0] > 30, "references checked: " + count[0]);
    }

    private static void refs(JsonNode doc, JsonNode node, String where, List<String> broken, int[] count) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null) {
                count[0]++;
                String r = ref.asText();
                if (!r.startsWith("#/") || doc.at(r.substring(1)).isMissingNode()) {
                    broken.add(where + ": " + r);
                }
            }
            node.fields().forEachRemaining(e -> refs(doc, e.getValue(), where, broken, count));
        } else if (node.isArray()) {
            node.forEach(n -> refs(doc, n, where, broken, count));
        }
    }

    private static final String CALL = "{\"callId\":\"1733216400.12\",\"pbx\":\"pbx1\",\"linkedId\":\"1733216400.12\","
            + "\"direction\":\"inbound\",\"state\":\"ringing\",\"callerNumber\":\"5551001\",\"queue\":\"support\"}";
    private static final String POP = "{\"callId\":\"1733216400.12\",\"pbx\":\"pbx1\",\"callerNumber\":\"5551001\","
            + "\"queue\":\"support\",\"waitSeconds\":3,\"vip\":true,\"agentInterface\":\"Local/201@agents/n\","
            + "\"agentName\":\"Agent 201\",\"customer\":{\"id\":\"C-1001\"},\"data\":{\"CTI_VIP\":\"1\"},"
            + "\"crmUrl\":\"https://crm.example/customers/C-1001\",\"call\":" + CALL + "}";
    private static final String QUEUE_ENTRY = "{\"call\":" + CALL + "}";

    @Test
    void theScreenPopBranchesOfCallOfferedAreMutuallyExclusive() {
        JsonNode oneOf = contracts.asyncApi.at("/components/messages/CallOffered/payload/allOf/1/properties/payload/oneOf");
        assertEquals(2, oneOf.size());
        String base = "/components/messages/CallOffered/payload/allOf/1/properties/payload/oneOf/";
        Schema pop = contracts.asyncApiSchema(base + "0");
        Schema entry = contracts.asyncApiSchema(base + "1");
        assertEquals(List.of(), pop.validate(POP, InputFormat.JSON), "a pop is a ScreenPop");
        assertFalse(entry.validate(POP, InputFormat.JSON).isEmpty(), "a pop is not a queue entry");
        assertEquals(List.of(), entry.validate(QUEUE_ENTRY, InputFormat.JSON), "a queue entry is one");
        assertFalse(pop.validate(QUEUE_ENTRY, InputFormat.JSON).isEmpty(), "a queue entry is not a pop");

        String event = "{\"seq\":3,\"type\":\"call.offered\",\"time\":\"2026-12-03T09:00:00Z\",\"pbx\":\"pbx1\","
                + "\"payload\":";
        assertEquals(List.of(), contracts.wsMessageProblems(event + POP + "}"));
        assertEquals(List.of(), contracts.wsMessageProblems(event + QUEUE_ENTRY + "}"));
        assertFalse(contracts.wsMessageProblems(event + "{\"callerNumber\":\"5551001\"}}").isEmpty(),
                "neither branch: refused");
    }

    @Test
    void everyServerMessageSampleMatchesExactlyOneMessageOfTheChannel() {
        // the control messages (events are seen live by the gateway and run tests)
        for (String m : List.of(
                "{\"type\":\"welcome\",\"session\":\"s1\",\"user\":\"agent201\",\"role\":\"agent\",\"queues\":[]}",
                "{\"type\":\"pong\"}",
                "{\"type\":\"result\",\"id\":\"1\",\"ok\":true,\"data\":{}}",
                "{\"type\":\"snapshot\",\"seq\":0,\"resync\":true,\"time\":\"2026-12-03T09:00:00Z\",\"calls\":[],"
                        + "\"agents\":[],\"queues\":[]}")) {
            assertEquals(List.of(), contracts.wsMessageProblems(m), m);
        }
        assertFalse(contracts.wsMessageProblems("{\"type\":\"no.such.event\"}").isEmpty());
    }

    @Test
    void openOperationsAndOperatorEndpointsAreDocumented() {
        JsonNode paths = contracts.openApi.path("paths");
        for (String p : List.of("/api/login", "/api/health", "/api/openapi.json", "/ws", "/api/ready")) {
            JsonNode op = paths.path(p).elements().next();
            assertTrue(op.has("security") && op.get("security").isEmpty(), p + " says security: []");
        }
        assertTrue(paths.has("/metrics"));
        assertEquals(List.of(), contracts.restAnswerProblems("GET", "/api/ready", 503, "application/json",
                "{\"status\":\"not ready\",\"checks\":{\"ami:pbx1\":{\"ready\":false,\"detail\":\"disconnected\"}}}"));
        assertFalse(contracts.restAnswerProblems("GET", "/api/ready", 200, "application/json",
                "{\"status\":\"fine\"}").isEmpty());
        assertFalse(contracts.restAnswerProblems("GET", "/api/nothing", 200, "application/json", "{}").isEmpty(),
                "an undocumented path is a problem");
        assertEquals(List.of(), contracts.restAnswerProblems("GET", "/api/nothing", 404, "application/json",
                "{\"ok\":false,\"error\":{\"code\":\"not_found\",\"message\":\"no such path\"}}"),
                "unless it is answered 404 with the documented error");
    }
}
