package io.ctiserver.server.omni.email;

import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniService;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox: reads unseen messages over IMAP every {@code pollSeconds} and hands each to the omni engine, which
 * routes a new thread as a contact or adds a reply to its thread; sends agents' answers over SMTP.
 *
 * <p>Nothing is lost: a message is flagged \Seen only after the engine has taken it; when IMAP is down the poll logs
 * why, records it in {@link #status()}, and the messages wait on the server for the next poll. A message that cannot
 * be parsed (no Message-ID, no sender, no text) becomes a contact anyway, carrying the reason and its raw source.
 * Blocking mail I/O runs on the mail threads only, never on the omni thread or an event loop.
 */
public final class MailChannel implements EmailOutbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailChannel.class);
    private static final int TIMEOUT_MS = 10_000;

    /** The last poll: when, how many messages taken, and the error if it failed. */
    public record Status(Instant at, int taken, String error) {
    }

    private final OmniConfig.Email config;
    private final OmniService omni;
    private final Session session;
    private final String imapProtocol;
    private final String smtpProtocol;
    private final ScheduledExecutorService poller;
    private final ThreadPoolExecutor sender;
    private volatile Status status = new Status(null, 0, null);
    private Store store;

    private MailChannel(OmniConfig.Email config, OmniService omni) {
        this.config = config;
        this.omni = omni;
        this.imapProtocol = config.imapSecurity().equals("tls") ? "imaps" : "imap";
        this.smtpProtocol = config.smtpSecurity().equals("tls") ? "smtps" : "smtp";
        SSLSocketFactory tls = config.imapSecurity().equals("none") && config.smtpSecurity().equals("none") ? null
                : socketFactory(config.trustCertificate());
        Properties p = new Properties();
        if (config.imapHost() != null) {
            protocol(p, imapProtocol, config.imapHost(), config.imapPort(), config.imapSecurity(), tls);
        }
        if (config.smtpHost() != null) {
            protocol(p, smtpProtocol, config.smtpHost(), config.smtpPort(), config.smtpSecurity(), tls);
            p.put("mail." + smtpProtocol + ".auth", String.valueOf(config.username() != null));
            p.put("mail." + smtpProtocol + ".writetimeout", String.valueOf(TIMEOUT_MS));
        }
        this.session = Session.getInstance(p);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "omni-mail-read"));
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1000),
                r -> daemon(r, "omni-mail-send"));
    }

    /**
     * One protocol's properties. With TLS (implicit or STARTTLS) the server's certificate is checked against
     * {@code tls}'s trust and its name against the host ({@code ssl.checkserveridentity}, which Jakarta Mail leaves
     * off by default); STARTTLS is required, never silently skipped.
     */
    private static void protocol(Properties p, String protocol, String host, Integer port, String security,
                                 SSLSocketFactory tls) {
        String k = "mail." + protocol + ".";
        p.put(k + "host", host);
        p.put(k + "port", String.valueOf(port));
        p.put(k + "connectiontimeout", String.valueOf(TIMEOUT_MS));
        p.put(k + "timeout", String.valueOf(TIMEOUT_MS));
        if (security.equals("none")) {
            return;
        }
        p.put(k + "ssl.socketFactory", tls);
        p.put(k + "ssl.checkserveridentity", "true");
        if (security.equals("starttls")) {
            p.put(k + "starttls.enable", "true");
            p.put(k + "starttls.required", "true");
        } else {
            p.put(k + "ssl.enable", "true");
        }
    }

    /** Trusts the certificates of a PEM file, or the JVM's trust store when there is none. */
    static SSLSocketFactory socketFactory(String trustPem) {
        if (trustPem == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(trustPem))) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalArgumentException("omni.email.trustCertificate: no certificate in " + trustPem);
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("omni.email.trustCertificate: cannot read " + trustPem + ": "
                    + e.getMessage(), e);
        }
    }

    /** What went wrong, in words an operator acts on: an untrusted certificate says so and names the fix. */
    static String explain(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertificateException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return "TLS handshake refused: the mail server's certificate is not trusted or does not match the host"
                        + " (for a self-signed server set omni.email.trustCertificate to its PEM certificate): "
                        + t.getMessage();
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Sends replies for {@code omni}; reads the mailbox only when asked ({@link #pollNow}). */
    public static MailChannel create(OmniConfig.Email config, OmniService omni) {
        MailChannel m = new MailChannel(config, omni);
        omni.emailOutbox(m);
        return m;
    }

    /** As {@link #create}, and reads the mailbox now and every {@code pollSeconds}. */
    public static MailChannel start(OmniConfig.Email config, OmniService omni) {
        MailChannel m = create(config, omni);
        if (config.imapHost() != null) {
            m.poller.scheduleWithFixedDelay(m::pollSafely, 0, config.pollSeconds(), TimeUnit.SECONDS);
        }
        return m;
    }

    public Status status() {
        return status;
    }

    /** Reads the mailbox now (tests, and the scheduled poll); returns the messages taken. */
    public CompletableFuture<Status> pollNow() {
        return CompletableFuture.supplyAsync(() -> {
            pollSafely();
            return status;
        }, poller);
    }

    private void pollSafely() {
        try {
            int n = poll();
            status = new Status(Instant.now(), n, null);
        } catch (Exception e) {
            String why = explain(e);
            if (status.error() == null) {
                LOG.error("mailbox {}@{}:{} not read ({}); messages stay on the server; retrying every {} s",
                        config.username(), config.imapHost(), config.imapPort(), why, config.pollSeconds());
            }
            status = new Status(Instant.now(), 0, why);
            closeStore();
        }
    }

    private int poll() throws Exception {
        if (store == null || !store.isConnected()) {
            store = session.getStore(imapProtocol);
            store.connect(config.imapHost(), config.imapPort(), config.username(), config.password());
        }
        Folder folder = store.getFolder(config.folder());
        folder.open(Folder.READ_WRITE);
        int taken = 0;
        try {
            Message[] unseen = folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
            for (Message m : unseen) {
                InboundEmail in;
                try {
                    in = MailParser.parse(m, config.maxMessageBytes(), Instant.now());
                } catch (Exception e) {
                    LOG.error("mail #{} in {} could not be read ({}); routed with its raw source", m.getMessageNumber(),
                            config.folder(), e.getMessage());
                    in = unreadable(m, e);
                }
                omni.emailReceived(in).get(30, TimeUnit.SECONDS);
                m.setFlag(Flags.Flag.SEEN, true);
                taken++;
            }
        } finally {
            folder.close(false);
        }
        return taken;
    }

    private InboundEmail unreadable(Message m, Exception why) {
        String id = "<unreadable-" + System.nanoTime() + "@cti>";
        String from = "unknown@invalid";
        String subject = "(unreadable message)";
        try {
            String[] h = m.getHeader("Message-ID");
            if (h != null && h.length > 0 && !h[0].isBlank()) {
                id = h[0].trim();
            }
            subject = m.getSubject() != null ? m.getSubject() : subject;
            if (m.getFrom() != null && m.getFrom().length > 0 && m.getFrom()[0] instanceof InternetAddress ia
                    && ia.getAddress() != null) {
                from = ia.getAddress();
            }
        } catch (Exception ignored) {
            // what we could not read stays at its default
        }
        String text = "[This message could not be read automatically: " + why.getMessage()
                + ". Its source follows.]\n" + MailParser.raw(m, config.maxMessageBytes());
        return new InboundEmail(id, null, List.of(), from, from, subject, text, Instant.now());
    }

    @Override
    public CompletableFuture<String> send(EmailReply reply) {
        CompletableFuture<String> f = new CompletableFuture<>();
        try {
            sender.execute(() -> {
                try {
                    f.complete(sendNow(reply));
                } catch (Exception e) {
                    LOG.warn("reply to {} not sent: {}", reply.to(), e.toString());
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("too many replies waiting to be sent"));
        }
        return f;
    }

    private String sendNow(EmailReply r) throws MessagingException {
        if (r.to() == null) {
            throw new MessagingException("the customer has no email address");
        }
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(config.address()));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(r.to()));
        m.setSubject(r.subject(), "UTF-8");
        m.setText(r.text(), "UTF-8");
        if (r.inReplyTo() != null) {
            m.setHeader("In-Reply-To", r.inReplyTo());
        }
        if (!r.references().isEmpty()) {
            m.setHeader("References", String.join(" ", r.references()));
        }
        m.saveChanges(); // assigns the Message-ID
        try (Transport t = session.getTransport(smtpProtocol)) {
            if (config.username() != null) {
                t.connect(config.smtpHost(), config.smtpPort(), config.username(), config.password());
            } else {
                t.connect();
            }
            t.sendMessage(m, m.getAllRecipients());
        } catch (MessagingException e) {
            throw new MessagingException(explain(e), e);
        }
        return m.getMessageID();
    }

    private void closeStore() {
        try {
            if (store != null) {
                store.close();
            }
        } catch (MessagingException ignored) {
            // already gone
        }
        store = null;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        sender.shutdownNow();
        closeStore();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
