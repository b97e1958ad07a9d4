package io.ctiserver.server.omni.email;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A mailbox message to an {@link InboundEmail}: the threading headers, the sender, the subject and the text (the
 * first text/plain part, else the HTML part with its tags removed). A message that cannot be read this way is not
 * dropped: {@link #raw} gives its source (bounded) for a person to read.
 */
final class MailParser {

    private MailParser() {
    }

    static InboundEmail parse(Message m, long maxBytes, Instant now) throws MessagingException, IOException {
        String id = header(m, "Message-ID");
        if (id == null) {
            throw new MessagingException("no Message-ID header");
        }
        Address[] from = m.getFrom();
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress ia) || ia.getAddress() == null) {
            throw new MessagingException("no usable From address");
        }
        String text = text(m, 0);
        if (text == null) {
            throw new MessagingException("no text part");
        }
        if (text.length() > maxBytes) {
            text = text.substring(0, (int) maxBytes) + "\n[truncated: the whole message is in the mailbox]";
        }
        List<String> refs = new ArrayList<>();
        String r = header(m, "References");
        if (r != null) {
            for (String s : r.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    refs.add(s);
                }
            }
        }
        Instant at = m.getReceivedDate() != null ? m.getReceivedDate().toInstant()
                : m.getSentDate() != null ? m.getSentDate().toInstant() : now;
        return new InboundEmail(id.trim(), trimOrNull(header(m, "In-Reply-To")), refs, ia.getAddress(),
                ia.getPersonal() != null ? ia.getPersonal() : ia.getAddress(), m.getSubject(), text.strip(), at);
    }

    /** The message's source, at most {@code maxBytes}, for a message {@link #parse} refused. */
    static String raw(Message m, long maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            m.writeTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    if (out.size() >= maxBytes) {
                        throw new IOException("limit");
                    }
                    out.write(b);
                }
            });
        } catch (IOException | MessagingException e) {
            // keep what was read
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String text(Part p, int depth) throws MessagingException, IOException {
        if (depth > 5) {
            return null;
        }
        if (p.isMimeType("text/plain")) {
            return String.valueOf(p.getContent());
        }
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            String html = null;
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart b = mp.getBodyPart(i);
                if (b.isMimeType("text/plain")) {
                    return String.valueOf(b.getContent());
                }
                String t = text(b, depth + 1);
                if (t != null && html == null) {
                    html = t;
                }
            }
            return html;
        }
        if (p.isMimeType("text/html")) {
            return String.valueOf(p.getContent()).replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
                    .replaceAll("<[^>]*>", " ").replaceAll("[ \\t]+", " ");
        }
        return null;
    }

    private static String header(Message m, String name) throws MessagingException {
        String[] h = m.getHeader(name);
        return h == null || h.length == 0 ? null : h[0];
    }

    private static String trimOrNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
