package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.ctiserver.contact.InMemoryContactStore;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.TranscriptEntry;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.omni.email.MailChannel;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mailbox against a real IMAP/SMTP server (GreenMail on ephemeral ports). */
class MailChannelTest {

    private GreenMail mail;
    private OmniService omni;
    private MailChannel channel;
    private final List<JsonNode> toAnn = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        mail.start();
        mail.setUser("support@example.com", "support", "pw");
        OmniConfig config = new OmniConfig(true, "support", null, null, null, null, null, email(mail.getImap().getPort()),
                null, null, null);
        omni = new OmniService(config, new InMemoryContactStore(100), null, null, Clock.systemUTC());
        omni.desktops(new DesktopChannel() {
            @Override
            public void toAgent(String agent, byte[] body) {
                if (agent.equals("ann")) {
                    try {
                        toAnn.add(Json.MAPPER.readTree(body));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }

            @Override
            public void toSupervisors(byte[] body) {
            }
        });
        omni.ready("ann", true, List.of("email")).get(5, TimeUnit.SECONDS);
        channel = MailChannel.create(config.email(), omni);
    }

    private OmniConfig.Email email(int imapPort) {
        return new OmniConfig.Email("127.0.0.1", imapPort, "127.0.0.1", mail.getSmtp().getPort(), "support", "pw",
                null, "support@example.com", "email", 3600, 4096L);
    }

    @AfterEach
    void stop() {
        channel.close();
        omni.close();
        mail.stop();
    }

    private JsonNode next(String type, String contactId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (JsonNode n : toAnn) {
                if (type.equals(n.path("type").asText()) && (contactId == null
                        || contactId.equals(n.at("/payload/contact/contact/id").asText())
                        || contactId.equals(n.at("/payload/contactId").asText()))) {
                    toAnn.remove(n);
                    return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type + " for ann; got " + toAnn);
    }

    private void customerSends(MimeMessage m) throws Exception {
        Transport.send(m);
    }

    private Session smtp() {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(mail.getSmtp().getPort()));
        return Session.getInstance(p);
    }

    @Test
    void aNewThreadIsRoutedTheAnswerKeepsTheThreadAndTheCustomersReplyJoinsIt() throws Exception {
        MimeMessage first = new MimeMessage(smtp());
        first.setFrom(new InternetAddress("kim@example.net", "Kim Lee"));
        first.setRecipients(Message.RecipientType.TO, "support@example.com");
        first.setSubject("Invoice question");
        first.setText("Hello, my invoice 2026-11 is wrong.\nKim");
        customerSends(first);
        assertTrue(mail.waitForIncomingEmail(5000, 1));
        String firstId = mail.getReceivedMessages()[0].getMessageID(); // as it arrived (Transport.send assigns it)

        MailChannel.Status s = channel.pollNow().get(20, TimeUnit.SECONDS);
        assertNull(s.error());
        assertEquals(1, s.taken());
        JsonNode offer = next("contact.offered", null).get("payload");
        String id = offer.at("/contact/contact/id").asText();
        assertEquals("email", offer.at("/contact/contact/medium").asText());
        assertEquals("email", offer.at("/contact/contact/queue").asText());
        assertEquals("Invoice question", offer.at("/contact/contact/subject").asText());
        assertEquals("kim@example.net", offer.at("/customer/email").asText());
        assertTrue(offer.at("/transcript/0/text").asText().contains("invoice 2026-11 is wrong"));
        assertEquals(0, channel.pollNow().get(20, TimeUnit.SECONDS).taken(), "a mail is taken once");

        omni.accept("ann", id).get(5, TimeUnit.SECONDS);
        TranscriptEntry sent = omni.agentMessage("ann", id, "Dear Kim,\nthe corrected invoice is attached to your "
                + "account.").get(20, TimeUnit.SECONDS);
        String replyId = sent.meta().get("messageId");
        assertNotNull(replyId);

        assertTrue(mail.waitForIncomingEmail(5000, 2));
        MimeMessage reply = null;
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (replyId.equals(m.getMessageID())) {
                reply = m;
            }
        }
        assertNotNull(reply, "the reply reached the customer's mailbox");
        assertEquals("Re: Invoice question", reply.getSubject());
        assertEquals(firstId, reply.getHeader("In-Reply-To")[0]);
        assertTrue(reply.getHeader("References")[0].contains(firstId));
        assertEquals("kim@example.net", ((InternetAddress) reply.getAllRecipients()[0]).getAddress());
        assertEquals("support@example.com", ((InternetAddress) reply.getFrom()[0]).getAddress());

        MimeMessage answer = new MimeMessage(smtp());
        answer.setFrom(new InternetAddress("kim@example.net", "Kim Lee"));
        answer.setRecipients(Message.RecipientType.TO, "support@example.com");
        answer.setSubject("Re: Invoice question");
        answer.setText("Thanks, got it!");
        answer.setHeader("In-Reply-To", replyId);
        answer.setHeader("References", firstId + " " + replyId);
        customerSends(answer);
        assertTrue(mail.waitForIncomingEmail(5000, 3));
        assertEquals(1, channel.pollNow().get(20, TimeUnit.SECONDS).taken());
        JsonNode joined = next("contact.message", id);
        if ("agent".equals(joined.at("/payload/entry/from").asText())) {
            joined = next("contact.message", id); // the echo of ann's own answer came first
        }
        assertEquals("Thanks, got it!", joined.at("/payload/entry/text").asText());
        assertEquals("customer", joined.at("/payload/entry/from").asText());
        assertTrue(toAnn.stream().noneMatch(n -> "contact.offered".equals(n.path("type").asText())),
                "the reply joined its thread: no new contact");
        assertEquals(Medium.EMAIL, omni.contact(id).orElseThrow().contact().medium());
    }

    @Test
    void aMalformedMessageBecomesAContactWithItsSourceAndTheReason() throws Exception {
        String raw = "Subject: broken\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zzz\"\r\n\r\n"
                + "there is no boundary in here, and no From\r\n";
        GreenMailUser user = mail.setUser("support@example.com", "support", "pw");
        user.deliver(new MimeMessage(smtp(), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        MailChannel.Status s = channel.pollNow().get(20, TimeUnit.SECONDS);
        assertNull(s.error());
        assertEquals(1, s.taken());
        JsonNode offer = next("contact.offered", null).get("payload");
        String text = offer.at("/transcript/0/text").asText();
        assertTrue(text.startsWith("[This message could not be read automatically"), text);
        assertTrue(text.contains("there is no boundary in here"), "its source is kept: " + text);
        assertEquals(0, channel.pollNow().get(20, TimeUnit.SECONDS).taken(), "flagged seen once taken");
    }

    @Test
    void imapDownIsAClearErrorAndNothingIsTaken() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        MailChannel down = MailChannel.create(email(closedPort), omni);
        try {
            MailChannel.Status s = down.pollNow().get(30, TimeUnit.SECONDS);
            assertNotNull(s.error());
            assertTrue(s.error().contains("MessagingException") || s.error().contains("Connect"), s.error());
            assertEquals(0, s.taken());
        } finally {
            down.close();
        }
    }
}
