package io.ctiserver.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A gateway on an ephemeral port with fake state and AMI, and the users of the test scenarios. */
final class Fixture implements AutoCloseable {

    static final String PASSWORD = "s3cret-pass";
    /** Low iterations keep the tests fast; production hashes use {@link PasswordHash#DEFAULT_ITERATIONS}. */
    static final String HASH = PasswordHash.hash(PASSWORD.toCharArray(), 1000);

    static final String AGENT_201 = "Local/201@agents/n";
    static final String AGENT_202 = "Local/202@agents/n";

    static List<UserConfig> users() {
        return List.of(
                UserConfig.agent("agent201", HASH, AGENT_201, "Agent 201"),
                UserConfig.agent("agent202", HASH, AGENT_202, "Agent 202"),
                UserConfig.agent("agent1", HASH, "PJSIP/agent1", "Agent One"),
                UserConfig.of("sup", HASH, Role.SUPERVISOR).withDevice("PJSIP/sup1"),
                UserConfig.of("admin", HASH, Role.ADMIN),
                UserConfig.of("crm", HASH, Role.INTEGRATION).withDialForAgents(List.of("agent201")));
    }

    final FakeStateView state = new FakeStateView();
    final FakeAmi ami = new FakeAmi();
    final Gateway gateway;
    final HttpClient http = HttpClient.newHttpClient();

    Fixture() throws Exception {
        this(new GatewayConfig("127.0.0.1", 0, null, null, users(), 0,
                "https://crm.example/customers/{customerId}?phone={callerNumber}", 0, 0, 0, 0, 0, 0, 0, 0, 0,
                "pbx1", null));
    }

    Fixture(GatewayConfig config) throws Exception {
        this(config, b -> b);
    }

    /** With storage behind the history, report and health endpoints and the screen pop's recent calls. */
    Fixture(StoredData stored) throws Exception {
        this(new GatewayConfig("127.0.0.1", 0, null, null, users(), 0,
                "https://crm.example/customers/{customerId}?phone={callerNumber}", 0, 0, 0, 0, 0, 0, 0, 0, 0,
                "pbx1", null), b -> b.storedData(stored));
    }

    /** {@code more} adds to the builder (reports, a data sink, storage, ...) before the gateway starts. */
    Fixture(GatewayConfig config, java.util.function.UnaryOperator<Gateway.Builder> more) throws Exception {
        gateway = more.apply(Gateway.builder().config(config).stateView(state).actionSender("pbx1", ami)).build()
                .start();
    }

    int port() {
        return gateway.port();
    }

    String login(String user) throws Exception {
        HttpResponse<String> r = post("/api/login", "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}",
                null);
        if (r.statusCode() != 200) {
            throw new AssertionError("login of " + user + " failed: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).get("token").asText();
    }

    WsClient desktop(String user) throws Exception {
        WsClient c = WsClient.connect(port(), "token=" + login(user));
        c.next("welcome");
        c.next("snapshot");
        return c;
    }

    HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return contract("POST", path, http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Every REST answer a gateway test sees must match the OpenAPI document. */
    static HttpResponse<String> contract(String method, String path, HttpResponse<String> r) {
        List<String> p = io.ctiserver.server.contract.Contracts.get().restAnswerProblems(method, path, r.statusCode(),
                r.headers().firstValue("content-type").orElse(null), r.body());
        if (!p.isEmpty()) {
            throw new AssertionError("REST answer breaks the OpenAPI contract: " + p);
        }
        return r;
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return contract("GET", path, http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    /** A queue call from 5551001, answered (or ringing) at {@code agentIface}, with routing and IVR data. */
    static CallView call(String id, CallState state, String agentIface, String agentChannel) {
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        List<Party> parties = agentChannel == null
                ? List.of(new Party(Party.Role.CALLER, "PJSIP/trunk-0000000" + id.length(), "1795458626." + id.length(),
                null, "Alice Caller", "5551001"))
                : List.of(new Party(Party.Role.CALLER, "PJSIP/trunk-0000000" + id.length(), "1795458626." + id.length(),
                        null, "Alice Caller", "5551001"),
                new Party(Party.Role.AGENT, agentChannel, "1795458627.9", agentIface, "Agent", "201"));
        return new CallView(id, "pbx1", "1795458626.45", CallDirection.INBOUND, state, "5551001", "Alice Caller",
                "5000", "support", agentIface, agentIface == null ? null : "Agent 201", t0, t0.plusSeconds(3),
                state == CallState.CONNECTED ? t0.plusSeconds(20) : null, false, parties,
                Map.of("CTI_VIP", "1", "CTI_CUSTOMER_ID", "42", "CTI_CUSTOMER_NAME", "Alice Example",
                        "IVR_MENU", "billing"));
    }

    @Override
    public void close() {
        gateway.close();
    }
}
