package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.ctiserver.contact.InMemoryContactStore;
import io.ctiserver.server.omni.email.EmailReply;
import io.ctiserver.server.omni.email.MailChannel;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mailbox over IMAPS and SMTPS against GreenMail's TLS servers, whose certificate is made by this test: trusted
 * through {@code omni.email.trustCertificate}, mail is read and replies are sent; with another certificate trusted,
 * both are refused with an error that says why, and the mail stays unread on the server.
 */
class MailTlsTest {

    private static SelfSignedCertificate cert;
    private static SelfSignedCertificate other;
    private static Path dir;

    private GreenMail mail;
    private GreenMailUser user;
    private OmniService omni;
    private MailChannel channel;

    @BeforeAll
    static void certificates() throws Exception {
        cert = new SelfSignedCertificate("localhost", "EC", 256);
        other = new SelfSignedCertificate("localhost", "EC", 256);
        dir = Files.createTempDirectory("mail-tls-");
        // GreenMail's TLS servers take their key from this keystore (read when the first TLS server starts)
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("greenmail", cert.key(), "changeit".toCharArray(), new Certificate[] {cert.cert()});
        Path p12 = dir.resolve("server.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, "changeit".toCharArray());
        }
        System.setProperty("greenmail.tls.keystore.file", p12.toString());
        System.setProperty("greenmail.tls.keystore.password", "changeit");
        System.setProperty("greenmail.tls.key.password", "changeit");
    }

    @AfterAll
    static void deleteCertificates() {
        cert.delete();
        other.delete();
    }

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)});
        mail.start();
        user = mail.setUser("support@example.com", "support", "tls-secret-pw");
        omni = new OmniService(OmniConfig.defaults(), new InMemoryContactStore(10), null, null, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        omni.close();
        mail.stop();
    }

    private OmniConfig.Email config(String trustPem) {
        return new OmniConfig.Email("localhost", mail.getImaps().getPort(), "localhost", mail.getSmtps().getPort(),
                "support", "tls-secret-pw", null, "support@example.com", "email", 3600, 65536L, "tls", "TLS",
                trustPem);
    }

    private void customerWrites() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("kim@example.net"));
        m.setRecipients(Message.RecipientType.TO, "support@example.com");
        m.setSubject("Over TLS");
        m.setText("Hello over TLS");
        user.deliver(m);
    }

    @Test
    void readsOverImapsAndRepliesOverSmtpsTrustingTheServersCertificate() throws Exception {
        customerWrites();
        channel = MailChannel.create(config(cert.certificate().getPath()), omni);
        MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
        assertNull(s.error());
        assertEquals(1, s.taken());
        assertTrue(mail.getReceivedMessages()[0].getFlags().contains(Flags.Flag.SEEN), "read over IMAPS");

        String id = channel.send(new EmailReply("kim@example.net", "Re: Over TLS", "Answered over TLS", null,
                List.of())).get(30, TimeUnit.SECONDS);
        assertTrue(mail.waitForIncomingEmail(10_000, 2), "the reply arrived over SMTPS");
        MimeMessage reply = mail.getReceivedMessages()[1];
        assertEquals(id, reply.getMessageID());
        assertEquals("Re: Over TLS", reply.getSubject());
    }

    @Test
    void anUntrustedCertificateIsRefusedWithAClearErrorAndTheMailStaysUnread() throws Exception {
        customerWrites();
        channel = MailChannel.create(config(other.certificate().getPath()), omni);
        MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
        assertEquals(0, s.taken());
        assertTrue(s.error() != null && s.error().contains("certificate is not trusted")
                && s.error().contains("omni.email.trustCertificate"), s.error());
        assertFalse(s.error().contains("tls-secret-pw"), "the password never in an error");
        assertFalse(mail.getReceivedMessages()[0].getFlags().contains(Flags.Flag.SEEN), "left unread");

        ExecutionException e = assertThrows(ExecutionException.class, () -> channel.send(new EmailReply(
                "kim@example.net", "Re", "not sent", null, List.of())).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("certificate is not trusted"), e.getCause().getMessage());
        assertEquals(1, mail.getReceivedMessages().length, "no reply went out");
    }

    @Test
    void theJvmTrustStoreDoesNotTrustASelfSignedServer() throws Exception {
        customerWrites();
        channel = MailChannel.create(config(null), omni);
        MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
        assertEquals(0, s.taken());
        assertTrue(s.error() != null && s.error().contains("certificate is not trusted"), s.error());
    }

    /** GreenMail's plain servers offer no STARTTLS: required, it refuses them rather than talk in clear. */
    @Test
    void starttlsIsRequiredNeverSkipped() throws Exception {
        GreenMail plain = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        plain.start();
        try {
            GreenMailUser u = plain.setUser("support@example.com", "support", "tls-secret-pw");
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress("kim@example.net"));
            m.setRecipients(Message.RecipientType.TO, "support@example.com");
            m.setSubject("In clear?");
            m.setText("no");
            u.deliver(m);
            channel = MailChannel.create(new OmniConfig.Email("localhost", plain.getImap().getPort(), "localhost",
                    plain.getSmtp().getPort(), "support", "tls-secret-pw", null, "support@example.com", "email", 3600,
                    65536L, "starttls", "starttls", cert.certificate().getPath()), omni);
            MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
            assertEquals(0, s.taken());
            assertTrue(s.error() != null && s.error().toUpperCase(java.util.Locale.ROOT).contains("STARTTLS"),
                    s.error());
            assertFalse(plain.getReceivedMessages()[0].getFlags().contains(Flags.Flag.SEEN), "left unread");
            ExecutionException e = assertThrows(ExecutionException.class, () -> channel.send(new EmailReply(
                    "kim@example.net", "Re", "not in clear", null, List.of())).get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().toUpperCase(java.util.Locale.ROOT).contains("STARTTLS"),
                    e.getCause().getMessage());
            assertEquals(1, plain.getReceivedMessages().length, "nothing was sent in clear");
        } finally {
            plain.stop();
        }
    }

    @Test
    void aBadSecurityValueNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OmniConfig.Email(
                "h", 993, "h", 465, "u", "p", null, "a@b", null, null, null, "ssl", null, null));
        assertTrue(e.getMessage().startsWith("omni.email.imapSecurity"), e.getMessage());
    }
}
