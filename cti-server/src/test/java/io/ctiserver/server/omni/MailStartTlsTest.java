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
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mailbox with {@code imapSecurity} and {@code smtpSecurity} {@code starttls}: GreenMail's plain IMAP and SMTP
 * behind a {@link StartTlsFront} that offers the upgrade. With the front's certificate trusted, mail is read and a
 * reply sent, both after a TLS handshake and with no login in clear; with another certificate trusted, the upgrade is
 * refused, nothing is read or sent, and nothing secret went out in clear either.
 */
class MailStartTlsTest {

    private static final String PASSWORD = "starttls-secret-pw";
    private static SelfSignedCertificate cert;
    private static SelfSignedCertificate other;
    private static SSLContext serverTls;

    private GreenMail mail;
    private GreenMailUser user;
    private StartTlsFront imap;
    private StartTlsFront smtp;
    private OmniService omni;
    private MailChannel channel;

    @BeforeAll
    static void certificates() throws Exception {
        cert = new SelfSignedCertificate("localhost", "EC", 256);
        other = new SelfSignedCertificate("localhost", "EC", 256);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("front", cert.key(), "changeit".toCharArray(), new Certificate[] {cert.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    @AfterAll
    static void deleteCertificates() {
        cert.delete();
        other.delete();
    }

    @BeforeEach
    void start() throws Exception {
        mail = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        mail.start();
        user = mail.setUser("support@example.com", "support", PASSWORD);
        imap = new StartTlsFront(StartTlsFront.Protocol.IMAP, mail.getImap().getPort(), serverTls);
        smtp = new StartTlsFront(StartTlsFront.Protocol.SMTP, mail.getSmtp().getPort(), serverTls);
        omni = new OmniService(OmniConfig.defaults(), new InMemoryContactStore(10), null, null, Clock.systemUTC());
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("kim@example.net"));
        m.setRecipients(Message.RecipientType.TO, "support@example.com");
        m.setSubject("After STARTTLS");
        m.setText("Hello after the upgrade");
        user.deliver(m);
    }

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.close();
        }
        omni.close();
        imap.close();
        smtp.close();
        mail.stop();
    }

    private MailChannel channel(SelfSignedCertificate trusted) {
        return MailChannel.create(new OmniConfig.Email("localhost", imap.port(), "localhost", smtp.port(), "support",
                PASSWORD, null, "support@example.com", "email", 3600, 65536L, "starttls", "starttls",
                trusted.certificate().getPath()), omni);
    }

    @Test
    void readsAndRepliesAfterTheUpgradeWithNoLoginInClear() throws Exception {
        channel = channel(cert);
        MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
        assertNull(s.error());
        assertEquals(1, s.taken());
        assertTrue(mail.getReceivedMessages()[0].getFlags().contains(Flags.Flag.SEEN), "read after STARTTLS");
        assertTrue(imap.handshakes.get() >= 1, "IMAP upgraded to TLS");

        String id = channel.send(new EmailReply("kim@example.net", "Re: After STARTTLS", "Answered after STARTTLS",
                null, List.of())).get(30, TimeUnit.SECONDS);
        assertTrue(mail.waitForIncomingEmail(10_000, 2), "the reply arrived");
        assertEquals(id, mail.getReceivedMessages()[1].getMessageID());
        assertTrue(smtp.handshakes.get() >= 1, "SMTP upgraded to TLS");

        assertNothingSecretInClear();
    }

    @Test
    void anUntrustedCertificateRefusesTheUpgradeAndNothingIsReadOrSent() throws Exception {
        channel = channel(other);
        MailChannel.Status s = channel.pollNow().get(30, TimeUnit.SECONDS);
        assertEquals(0, s.taken());
        assertTrue(s.error() != null && s.error().contains("certificate is not trusted"), s.error());
        assertFalse(mail.getReceivedMessages()[0].getFlags().contains(Flags.Flag.SEEN), "left unread");

        ExecutionException e = assertThrows(ExecutionException.class, () -> channel.send(new EmailReply(
                "kim@example.net", "Re", "not sent", null, List.of())).get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("certificate is not trusted"), e.getCause().getMessage());
        assertEquals(1, mail.getReceivedMessages().length, "no reply went out");
        assertTrue(imap.refusedHandshakes.get() >= 1 && smtp.refusedHandshakes.get() >= 1,
                "both clients refused the front's handshake");
        assertEquals(0, imap.handshakes.get() + smtp.handshakes.get());

        assertNothingSecretInClear();
    }

    /** Before the upgrade only the greeting's answer, the capabilities and STARTTLS itself may pass in clear. */
    private void assertNothingSecretInClear() {
        for (StartTlsFront front : List.of(imap, smtp)) {
            assertFalse(front.clearFromClient.isEmpty(), "the client spoke before the upgrade");
            for (String line : front.clearFromClient) {
                String upper = line.toUpperCase(Locale.ROOT);
                assertFalse(upper.contains("LOGIN") || upper.contains("AUTH") || upper.contains("MAIL FROM")
                        || line.contains(PASSWORD), "in clear: " + line);
            }
        }
    }
}
