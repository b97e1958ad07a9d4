package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.testing.WsFrames;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, "KPIs, storage and reports treat them alike with a medium column": a chat (a customer on the widget's
 * WebSocket) and an email (a mail read over IMAP from GreenMail, answered over SMTP), both handled by agent201 on the
 * desktop WebSocket of the wired server, show up in the stored interval and agent reports under their medium, and
 * under agent201's interface (the one its calls have). Every REST answer is checked against the OpenAPI document.
 */
class MediumReportWiringTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AGENT_IFACE = "Local/201@agents/n";

    @Test
    void aChatAndAnEmailHandledOnTheDesktopAreInTheStoredReportsWithTheirMedium() throws Exception {
        GreenMail mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        mail.start();
        try {
            mail.setUser("support@example.com", "support", "pw");
            ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
            root.withObject("/omni").withObject("/bot").put("enabled", false); // straight to the queue
            root.withObject("/omni").withObject("/email").put("imapHost", "127.0.0.1")
                    .put("imapPort", mail.getImap().getPort()).put("smtpHost", "127.0.0.1")
                    .put("smtpPort", mail.getSmtp().getPort()).put("username", "support").put("password", "pw")
                    .put("address", "support@example.com").put("queue", "support").put("pollSeconds", 1);
            Instant from = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
            Instant to = from.plus(Duration.ofHours(4));
            try (CtiServer server = DemoServers.start(root);
                 DesktopClient agent = DesktopClient.login(server.gateway().port(), "agent201", "pw");
                 DesktopClient sup = DesktopClient.login(server.gateway().port(), "supervisor", "pw")) {
                assertTrue(command(agent, Map.of("command", "contact.ready", "ready", true, "queues", "support"))
                        .path("ok").asBoolean());

                // a chat from the widget's WebSocket
                WsFrames customerFrames = WsFrames.unchecked();
                WebSocket customer = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
                        + server.omni().chatPort() + "/chat/ws"), customerFrames).get(5, TimeUnit.SECONDS);
                customer.sendText("{\"type\":\"start\",\"name\":\"Alice\",\"email\":\"alice@example.com\","
                        + "\"topic\":\"support\"}", true).get(5, TimeUnit.SECONDS);
                customerFrames.next(f -> f.path("type").asText().equals("welcome"), Duration.ofSeconds(10),
                        "the welcome");
                String chat = handle(agent, "chat");
                customer.abort();

                // an email through IMAP
                Properties p = new Properties();
                p.put("mail.smtp.host", "127.0.0.1");
                p.put("mail.smtp.port", String.valueOf(mail.getSmtp().getPort()));
                MimeMessage m = new MimeMessage(Session.getInstance(p));
                m.setFrom(new InternetAddress("kim@example.net", "Kim Lee"));
                m.setRecipients(Message.RecipientType.TO, "support@example.com");
                m.setSubject("Invoice question");
                m.setText("Hello, my invoice is wrong.");
                Transport.send(m);
                String email = handle(agent, "email");
                // not ready any more: the last stretch (ready, holding nothing) ends and is stored
                assertTrue(command(agent, Map.of("command", "contact.ready", "ready", false)).path("ok").asBoolean());

                Storage storage = server.storage();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (storage.contacts().stored(chat).isEmpty() || storage.contacts().stored(email).isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "both contacts stored: " + storage.health());
                    Thread.sleep(50);
                }
                // stored() also answers from the rows still on their way: wait until they are in the database,
                // where the aggregator reads them
                while (!storage.writer().drained()) {
                    assertTrue(System.nanoTime() < deadline, "rows written: " + storage.health());
                    Thread.sleep(50);
                }
                storage.aggregator().runAll(); // what the database thread does every 30 s

                String range = "from=" + from + "&to=" + to + "&interval=1h";
                DesktopClient.Rest report = sup.get("/api/reports/intervals?" + range);
                assertEquals(200, report.status(), report.body().toString());
                Map<String, Long> answered = new LinkedHashMap<>();
                report.body().path("rows").forEach(r -> {
                    if (r.path("queue").asText().equals("support")) {
                        answered.merge(r.path("medium").asText(), r.path("answered").asLong(), Long::sum);
                    }
                });
                assertEquals(1L, answered.get("chat"), report.body().toString());
                assertEquals(1L, answered.get("email"), report.body().toString());
                assertNull(answered.get("voice"), "no call in this test");

                DesktopClient.Rest onlyEmail = sup.get("/api/reports/intervals?" + range + "&medium=email");
                assertEquals("email", onlyEmail.body().path("medium").asText());
                onlyEmail.body().path("rows").forEach(r -> assertEquals("email", r.path("medium").asText()));
                assertTrue(onlyEmail.body().path("rows").size() >= 2, "support and the email total");

                // stored occupancy per medium (the router's stretches): each medium's total row has the time agents
                // held its contacts over staffed time; chat and email one after the other, no call: busy on any
                // medium is their sum
                Map<String, JsonNode> totals = new LinkedHashMap<>();
                report.body().path("rows").forEach(r -> {
                    if (r.path("queue").isNull() || r.path("queue").isMissingNode()) {
                        totals.put(r.path("medium").asText(), r);
                    }
                });
                assertTrue(totals.containsKey("chat") && totals.containsKey("email"), report.body().toString());
                double chatOcc = totals.get("chat").path("occupancyPercent").asDouble(-1);
                double emailOcc = totals.get("email").path("occupancyPercent").asDouble(-1);
                double anyOcc = totals.get("chat").path("anyMediumOccupancyPercent").asDouble(-1);
                assertTrue(chatOcc > 0 && emailOcc > 0 && chatOcc + emailOcc <= 100 + 1e-9,
                        "chat and email held a share of the staffed time: " + totals);
                assertEquals(chatOcc + emailOcc, anyOcc, 1e-6, "held one after the other: " + totals);
                assertEquals(anyOcc, totals.get("email").path("anyMediumOccupancyPercent").asDouble(-1), 1e-9);

                DesktopClient.Rest agents = sup.get("/api/reports/agents?" + range.replace("&interval=1h", ""));
                Map<String, Long> handled = new LinkedHashMap<>();
                agents.body().path("agents").forEach(r -> {
                    if (r.path("agent").asText().equals(AGENT_IFACE) && !r.path("medium").asText().equals("voice")) {
                        handled.put(r.path("medium").asText(), r.path("handled").asLong());
                    }
                });
                assertEquals(Map.of("chat", 1L, "email", 1L), handled,
                        "agent201's chat and email under its interface (its states on the voice row): "
                                + agents.body());
                for (JsonNode r : agents.body().path("agents")) {
                    if (r.path("agent").asText().equals(AGENT_IFACE) && !r.path("medium").asText().equals("voice")) {
                        // each held for at least HOLD: staffed at least both, each a share of it
                        assertTrue(r.path("staffedSeconds").asLong() >= 2 * HOLD.toSeconds(), r.toString());
                        double occ = r.path("occupancyPercent").asDouble(-1);
                        assertTrue(occ > 0 && occ < 100, r.toString());
                        assertTrue(r.path("anyMediumOccupancyPercent").asDouble(-1) > occ, r.toString());
                    }
                }

                // the agent reads their own rows, one per medium
                DesktopClient.Rest own = agent.get("/api/reports/intervals?" + range + "&agent="
                        + URLEncoder.encode(AGENT_IFACE, StandardCharsets.UTF_8));
                assertEquals(200, own.status(), own.body().toString());
                Map<String, Long> ownHandled = new LinkedHashMap<>();
                own.body().path("rows").forEach(r -> {
                    if (!r.path("medium").asText().equals("voice")) { // its states, if the tracker stored some
                        ownHandled.merge(r.path("medium").asText(), r.path("handled").asLong(), Long::sum);
                    }
                });
                assertEquals(Map.of("chat", 1L, "email", 1L), ownHandled);

                // CSV: the medium column
                HttpResponse<String> csv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.gateway().port() + "/api/reports/intervals?" + range + "&medium=chat"))
                        .header("Authorization", "Bearer " + sup.token()).header("Accept", "text/csv").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, csv.statusCode());
                String[] lines = csv.body().split("\r\n");
                assertTrue(lines[0].startsWith("intervalStart,intervalMinutes,queue,medium,"), lines[0]);
                assertTrue(csv.body().contains(",support,chat,1,1,"), csv.body());
                agent.checkContract();
                sup.checkContract();
            }
        } finally {
            mail.stop();
        }
    }

    @Test
    void withoutStorageTheReportsAnswerTheDocumented404() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
        root.withObject("/storage").put("enabled", false);
        try (CtiServer server = DemoServers.start(root);
             DesktopClient sup = DesktopClient.login(server.gateway().port(), "supervisor", "pw")) {
            for (String path : new String[] {"/api/reports/intervals?medium=chat", "/api/reports/agents",
                "/api/history/calls", "/api/history/contacts"}) {
                DesktopClient.Rest r = sup.get(path); // checked against the OpenAPI document
                assertEquals(404, r.status(), path);
                assertEquals("not_found", r.body().path("error").path("code").asText());
            }
        }
    }

    /** How long the agent keeps each contact (so that the stored occupancy has whole seconds). */
    private static final Duration HOLD = Duration.ofMillis(1100);

    /** The next offer of {@code medium} to the agent: accepted, answered and closed; its contact id. */
    private static String handle(DesktopClient agent, String medium) throws Exception {
        JsonNode offer = agent.awaitKeepingOthers(f -> f.path("type").asText().equals("contact.offered")
                && f.at("/payload/contact/contact/medium").asText().equals(medium), Duration.ofSeconds(20),
                "the " + medium + " offer");
        String id = offer.at("/payload/contact/contact/id").asText();
        for (Map<String, Object> c : java.util.List.<Map<String, Object>>of(
                Map.of("command", "contact.accept", "contactId", id),
                Map.of("command", "contact.reply", "contactId", id, "text", "Thank you, it is done."),
                Map.of("command", "contact.close", "contactId", id, "disposition", "solved"))) {
            JsonNode r = command(agent, c);
            assertTrue(r.path("ok").asBoolean(), c + " -> " + r);
            if (c.get("command").equals("contact.reply")) {
                Thread.sleep(HOLD.toMillis());
            }
        }
        return id;
    }

    private static JsonNode command(DesktopClient d, Map<String, Object> fields) throws Exception {
        return d.command(fields, Duration.ofSeconds(20));
    }
}
