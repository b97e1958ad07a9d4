package io.ctiserver.server.omni;

import io.ctiserver.config.Secret;

import io.ctiserver.contact.CapacityConfig;
import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.QueueSettings;
import java.util.List;
import java.util.Map;

/**
 * The {@code omni} section: chat, email, the bot, capacity and the digital queues. Absent or {@code enabled: false},
 * the server is voice-only as before. See docs/omnichannel.md for an annotated example.
 *
 * @param defaultQueue    where chats and emails go when nothing else says (the pre-chat topic may name a queue)
 * @param teams           team name to agent usernames (capacity per team)
 * @param transcriptLimit entries one conversation may hold; beyond, the customer's messages are refused
 * @param storeCapacity   finished contacts kept by the in-memory store when storage is off (on: the database)
 */
public record OmniConfig(Boolean enabled, String defaultQueue, CapacityConfig capacity, List<QueueSettings> queues,
                         Map<String, List<String>> teams, Chat chat, Bot bot, Email email, ContactKpis.Settings kpi,
                         Integer transcriptLimit, Integer storeCapacity) {

    public OmniConfig {
        enabled = enabled == null || enabled;
        defaultQueue = defaultQueue == null || defaultQueue.isBlank() ? "support" : defaultQueue;
        capacity = capacity == null ? CapacityConfig.defaultConfig() : capacity;
        queues = queues == null ? List.of() : List.copyOf(queues);
        teams = teams == null ? Map.of() : Map.copyOf(teams);
        chat = chat == null ? Chat.defaults() : chat;
        bot = bot == null ? new Bot(false, null, null, null, null, null) : bot;
        kpi = kpi == null ? ContactKpis.Settings.defaults() : kpi;
        transcriptLimit = transcriptLimit == null ? 1000 : transcriptLimit;
        storeCapacity = storeCapacity == null ? 10_000 : storeCapacity;
    }

    public static OmniConfig defaults() {
        return new OmniConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The team an agent belongs to, or null. */
    public String teamOf(String agent) {
        for (Map.Entry<String, List<String>> e : teams.entrySet()) {
            if (e.getValue().contains(agent)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * The customer-facing chat endpoint, on a port of its own (it faces the public web; the desktop gateway does not).
     *
     * @param maxFrameBytes          largest WebSocket frame; a bigger one closes the connection (1009)
     * @param maxMessageChars        longest message text; a longer one is refused with an error, the chat goes on
     * @param messagesPerSecond      sustained messages per connection (token bucket); beyond, refused; at five
     *                               times the burst the connection is closed as a flood
     * @param maxConnectionsPerIp    open chat connections from one address
     * @param newChatsPerIpPerMinute chats one address may start per minute
     * @param outboundFrames         frames waiting to be written to one customer before the connection is closed as
     *                               not reading (the chat stays resumable; the transcript keeps everything)
     * @param resumeGraceSeconds     how long a disconnected customer may resume before the chat ends as left
     * @param authTimeoutSeconds     a connection that has neither started nor resumed a chat by then is closed
     */
    public record Chat(String bind, Integer port, Integer maxFrameBytes, Integer maxMessageChars,
                       Double messagesPerSecond, Integer messageBurst, Integer maxConnectionsPerIp,
                       Double newChatsPerIpPerMinute, Integer outboundFrames, Integer resumeGraceSeconds,
                       Integer authTimeoutSeconds) {
        public Chat {
            bind = bind == null ? "0.0.0.0" : bind;
            port = port == null || port < 0 ? 8081 : port;
            maxFrameBytes = maxFrameBytes == null ? 8192 : maxFrameBytes;
            maxMessageChars = maxMessageChars == null ? 2000 : maxMessageChars;
            messagesPerSecond = messagesPerSecond == null ? 3.0 : messagesPerSecond;
            messageBurst = messageBurst == null ? 10 : messageBurst;
            maxConnectionsPerIp = maxConnectionsPerIp == null ? 20 : maxConnectionsPerIp;
            newChatsPerIpPerMinute = newChatsPerIpPerMinute == null ? 10.0 : newChatsPerIpPerMinute;
            outboundFrames = outboundFrames == null ? 256 : outboundFrames;
            resumeGraceSeconds = resumeGraceSeconds == null ? 120 : resumeGraceSeconds;
            authTimeoutSeconds = authTimeoutSeconds == null ? 10 : authTimeoutSeconds;
        }

        public static Chat defaults() {
            return new Chat(null, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * The bot that answers first. With {@code url} an external bot over HTTP; else the built-in FAQ bot over
     * {@code knowledgeBase} (a JSON file, {@code classpath:} allowed).
     *
     * @param deadlineMillis the external bot's answer must come within this; else the chat goes to a person
     * @param maxMisses      questions in a row the bot cannot answer before it hands over
     */
    public record Bot(Boolean enabled, String name, String knowledgeBase, String url, Long deadlineMillis,
                      Integer maxMisses) {
        public Bot {
            enabled = enabled != null && enabled;
            name = name == null ? "Assistant" : name;
            deadlineMillis = deadlineMillis == null ? 1500L : deadlineMillis;
            maxMisses = maxMisses == null ? 2 : maxMisses;
        }
    }

    /**
     * A mailbox read over IMAP, replies over SMTP.
     *
     * @param pollSeconds      how often the inbox is read
     * @param address          the From of replies
     * @param imapSecurity     {@code none} (plain IMAP), {@code tls} (IMAPS: TLS from the first byte, port 993) or
     *                         {@code starttls} (IMAP upgraded with STARTTLS, refused if the server does not offer it)
     * @param smtpSecurity     {@code none}, {@code tls} (SMTPS, port 465) or {@code starttls} (port 587, required)
     * @param trustCertificate a PEM file with the certificate(s) to trust (a self-signed server); absent: the JVM's
     *                         trust store. With TLS the certificate and the host name are always verified.
     */
    public record Email(String imapHost, Integer imapPort, String smtpHost, Integer smtpPort, String username,
                        @Secret String password, String folder, String address, String queue, Integer pollSeconds,
                        Long maxMessageBytes, String imapSecurity, String smtpSecurity,
                        @io.ctiserver.config.InputFile String trustCertificate) {

        public static final java.util.Set<String> SECURITY = java.util.Set.of("none", "tls", "starttls");

        public Email {
            folder = folder == null ? "INBOX" : folder;
            pollSeconds = pollSeconds == null ? 30 : pollSeconds;
            maxMessageBytes = maxMessageBytes == null ? 1L << 20 : maxMessageBytes;
            imapSecurity = imapSecurity == null ? "none" : imapSecurity.toLowerCase(java.util.Locale.ROOT);
            smtpSecurity = smtpSecurity == null ? "none" : smtpSecurity.toLowerCase(java.util.Locale.ROOT);
            if (!SECURITY.contains(imapSecurity)) {
                throw new IllegalArgumentException("omni.email.imapSecurity: one of none, tls, starttls; got "
                        + imapSecurity);
            }
            if (!SECURITY.contains(smtpSecurity)) {
                throw new IllegalArgumentException("omni.email.smtpSecurity: one of none, tls, starttls; got "
                        + smtpSecurity);
            }
        }

        /** Plain IMAP and SMTP, as before TLS was configurable (tests, the demo). */
        public Email(String imapHost, Integer imapPort, String smtpHost, Integer smtpPort, String username,
                     String password, String folder, String address, String queue, Integer pollSeconds,
                     Long maxMessageBytes) {
            this(imapHost, imapPort, smtpHost, smtpPort, username, password, folder, address, queue, pollSeconds,
                    maxMessageBytes, null, null, null);
        }

        @Override
        public String toString() {
            return "Email[" + username + "@" + imapHost + ":" + imapPort + " (" + imapSecurity + "), smtp " + smtpHost
                    + ":" + smtpPort + " (" + smtpSecurity + ")]";
        }
    }
}
