package io.ctiserver.server.gateway;

import io.ctiserver.config.DefaultIs;
import io.ctiserver.config.InputFile;
import io.ctiserver.config.Range;
import io.ctiserver.config.Secret;

import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.gateway.session.OutboundBudget;
import java.util.List;

/**
 * The {@code gateway} section of the server config. Missing numbers take the defaults below (Jackson leaves them 0).
 *
 * @param bind                 address to listen on
 * @param port                 HTTP/WebSocket port (default 8080); 0 picks a free one (tests)
 * @param tls                  certificate and key (PEM, PKCS#8 key) to serve HTTPS/WSS, or null for plain HTTP
 * @param staticDir            directory served for paths outside /api and /ws; null serves the bundled {@code web/}
 * @param users                agents, supervisors, admins and integrations
 * @param tokenTtlSeconds      lifetime of a login token
 * @param crmUrlTemplate       screen-pop link, e.g. {@code https://crm.example/customers/{customerId}?phone={callerNumber}}
 * @param maxFrameBytes        largest WebSocket frame (and REST body) accepted
 * @param outboundQueueFrames  frames waiting to be written to one desktop before it is closed as not reading
 * @param outboundBudgetBytes  unwritten bytes all desktops together may hold (each is a direct-memory copy); beyond,
 *                             the desktops holding the most are closed as not reading
 * @param resumeBufferEvents   events kept per session for resume
 * @param resumeWindowSeconds  how long an event stays resumable (bounds the memory of events held for detached desktops)
 * @param sessionGraceSeconds  how long a disconnected session can be resumed
 * @param authTimeoutSeconds   a WebSocket that has not authenticated within this time is closed
 * @param commandsPerSecond    sustained command rate per session (token bucket)
 * @param commandBurst         bucket size
 * @param kpiIntervalMillis    period of the supervisors' {@code kpi} event
 * @param defaultPbx           PBX of users whose config names none
 * @param dialplan             where call-control actions send channels
 * @param desktop              what the web desktop offers: pause reasons, wrap-up codes, sales outcomes, SL target
 */
public record GatewayConfig(
        String bind,
        @Range(min = 0, max = 65535) Integer port,
        Tls tls,
        @InputFile String staticDir,
        List<UserConfig> users,
        long tokenTtlSeconds,
        String crmUrlTemplate,
        int maxFrameBytes,
        int outboundQueueFrames,
        @DefaultIs("a quarter of the JVM's max direct memory") Long outboundBudgetBytes,
        int resumeBufferEvents,
        long resumeWindowSeconds,
        long sessionGraceSeconds,
        long authTimeoutSeconds,
        double commandsPerSecond,
        int commandBurst,
        long kpiIntervalMillis,
        String defaultPbx,
        Dialplan dialplan,
        Desktop desktop) {

    public GatewayConfig {
        bind = bind == null ? "0.0.0.0" : bind;
        port = port == null || port < 0 ? 8080 : port; // 0 (tests) binds any free port
        users = users == null ? List.of() : List.copyOf(users);
        tokenTtlSeconds = tokenTtlSeconds <= 0 ? 8 * 3600 : tokenTtlSeconds;
        crmUrlTemplate = crmUrlTemplate == null ? "" : crmUrlTemplate;
        maxFrameBytes = maxFrameBytes <= 0 ? 65536 : maxFrameBytes;
        outboundQueueFrames = outboundQueueFrames <= 0 ? 1024 : outboundQueueFrames;
        outboundBudgetBytes = outboundBudgetBytes == null || outboundBudgetBytes <= 0
                ? OutboundBudget.defaultLimitBytes() : outboundBudgetBytes;
        resumeBufferEvents = resumeBufferEvents <= 0 ? 256 : resumeBufferEvents;
        resumeWindowSeconds = resumeWindowSeconds <= 0 ? 60 : resumeWindowSeconds;
        sessionGraceSeconds = sessionGraceSeconds <= 0 ? 120 : sessionGraceSeconds;
        authTimeoutSeconds = authTimeoutSeconds <= 0 ? 10 : authTimeoutSeconds;
        commandsPerSecond = commandsPerSecond <= 0 ? 10 : commandsPerSecond;
        commandBurst = commandBurst <= 0 ? 20 : commandBurst;
        kpiIntervalMillis = kpiIntervalMillis <= 0 ? 2000 : kpiIntervalMillis;
        defaultPbx = defaultPbx == null ? "pbx1" : defaultPbx;
        dialplan = dialplan == null ? Dialplan.DEFAULT : dialplan;
        desktop = desktop == null ? Desktop.DEFAULT : desktop;
    }

    /** Without desktop settings (they take their defaults). */
    public GatewayConfig(String bind, Integer port, Tls tls, String staticDir, List<UserConfig> users,
                         long tokenTtlSeconds, String crmUrlTemplate, int maxFrameBytes, int outboundQueueFrames,
                         int resumeBufferEvents, long resumeWindowSeconds, long sessionGraceSeconds,
                         long authTimeoutSeconds, double commandsPerSecond, int commandBurst, long kpiIntervalMillis,
                         String defaultPbx, Dialplan dialplan) {
        this(bind, port, tls, staticDir, users, tokenTtlSeconds, crmUrlTemplate, maxFrameBytes, outboundQueueFrames,
                resumeBufferEvents, resumeWindowSeconds, sessionGraceSeconds, authTimeoutSeconds, commandsPerSecond,
                commandBurst, kpiIntervalMillis, defaultPbx, dialplan, null);
    }

    /** With the default outbound budget. */
    public GatewayConfig(String bind, Integer port, Tls tls, String staticDir, List<UserConfig> users,
                         long tokenTtlSeconds, String crmUrlTemplate, int maxFrameBytes, int outboundQueueFrames,
                         int resumeBufferEvents, long resumeWindowSeconds, long sessionGraceSeconds,
                         long authTimeoutSeconds, double commandsPerSecond, int commandBurst, long kpiIntervalMillis,
                         String defaultPbx, Dialplan dialplan, Desktop desktop) {
        this(bind, port, tls, staticDir, users, tokenTtlSeconds, crmUrlTemplate, maxFrameBytes, outboundQueueFrames,
                null, resumeBufferEvents, resumeWindowSeconds, sessionGraceSeconds, authTimeoutSeconds,
                commandsPerSecond, commandBurst, kpiIntervalMillis, defaultPbx, dialplan, desktop);
    }

    /** Defaults everywhere, port 8080, no users. */
    public static GatewayConfig defaults() {
        return new GatewayConfig(null, 8080, null, null, null, 0, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(bind, newPort, tls, staticDir, users, tokenTtlSeconds, crmUrlTemplate, maxFrameBytes,
                outboundQueueFrames, outboundBudgetBytes, resumeBufferEvents, resumeWindowSeconds, sessionGraceSeconds,
                authTimeoutSeconds, commandsPerSecond, commandBurst, kpiIntervalMillis, defaultPbx, dialplan, desktop);
    }

    public GatewayConfig withOutboundBudgetBytes(long bytes) {
        return new GatewayConfig(bind, port, tls, staticDir, users, tokenTtlSeconds, crmUrlTemplate, maxFrameBytes,
                outboundQueueFrames, bytes, resumeBufferEvents, resumeWindowSeconds, sessionGraceSeconds,
                authTimeoutSeconds, commandsPerSecond, commandBurst, kpiIntervalMillis, defaultPbx, dialplan, desktop);
    }

    public GatewayConfig withUsers(List<UserConfig> newUsers) {
        return new GatewayConfig(bind, port, tls, staticDir, newUsers, tokenTtlSeconds, crmUrlTemplate, maxFrameBytes,
                outboundQueueFrames, outboundBudgetBytes, resumeBufferEvents, resumeWindowSeconds, sessionGraceSeconds,
                authTimeoutSeconds, commandsPerSecond, commandBurst, kpiIntervalMillis, defaultPbx, dialplan, desktop);
    }

    /** PEM files; {@code keyPassword} may be null for an unencrypted key. */
    public record Tls(@InputFile String certFile, @InputFile String keyFile, @Secret String keyPassword) {
        /** Never prints the key password: records print every component, and configs end up in logs. */
        @Override
        public String toString() {
            return "Tls[certFile=" + certFile + ", keyFile=" + keyFile + ", keyPassword="
                    + (keyPassword == null ? "null" : "***") + "]";
        }
    }

    /**
     * Dialplan locations that call control relies on (see docs/gateway.md for the matching extensions.conf).
     *
     * @param dialContext        click-to-dial and conference dial-out: {@code Exten} = the number
     * @param transferContext    blind and attended transfer targets
     * @param holdContext        hold: the caller goes to {@code holdExten} (music on hold), the agent to {@code parkExten}
     * @param conferenceContext  three-way calls: extension = the numeric room, runs ConfBridge
     * @param recordingDir       where MixMonitor writes
     * @param originateTimeoutMs how long an originated device rings
     */
    public record Dialplan(String dialContext, String transferContext, String holdContext, String holdExten,
                           String parkExten, String conferenceContext, String recordingDir, int originateTimeoutMs) {

        public static final Dialplan DEFAULT = new Dialplan(null, null, null, null, null, null, null, 0);

        public Dialplan {
            dialContext = dialContext == null ? "from-agents" : dialContext;
            transferContext = transferContext == null ? "transfer-targets" : transferContext;
            holdContext = holdContext == null ? "cti-hold" : holdContext;
            holdExten = holdExten == null ? "hold" : holdExten;
            parkExten = parkExten == null ? "wait" : parkExten;
            conferenceContext = conferenceContext == null ? "cti-conference" : conferenceContext;
            recordingDir = recordingDir == null ? "/var/spool/asterisk/monitor" : recordingDir;
            originateTimeoutMs = originateTimeoutMs <= 0 ? 30000 : originateTimeoutMs;
        }
    }

    /**
     * What the web desktop and wallboard offer; served to any logged-in user by {@code GET /api/desktop/settings}.
     *
     * @param pauseReasons              the reasons an agent picks from when pausing
     * @param wrapUpCodes               the disposition codes of the after-call form
     * @param salesOutcomes             the sales outcomes of the form (e.g. sale, cross_sell, up_sell, none); empty: none
     * @param salesQueues               the queues whose calls get the sales outcome; empty: every queue
     * @param serviceLevelTargetPercent the wallboard colours a queue's service level against this target
     */
    public record Desktop(List<String> pauseReasons, List<String> wrapUpCodes, List<String> salesOutcomes,
                          List<String> salesQueues, Integer serviceLevelTargetPercent) {

        public static final Desktop DEFAULT = new Desktop(null, null, null, null, null);

        public Desktop {
            pauseReasons = pauseReasons == null || pauseReasons.isEmpty()
                    ? List.of("Break", "Lunch", "Meeting", "Training", "Coaching") : List.copyOf(pauseReasons);
            wrapUpCodes = wrapUpCodes == null || wrapUpCodes.isEmpty()
                    ? List.of("Information", "Complaint", "Order", "Technical support", "Other")
                    : List.copyOf(wrapUpCodes);
            salesOutcomes = salesOutcomes == null ? List.of() : List.copyOf(salesOutcomes);
            salesQueues = salesQueues == null ? List.of() : List.copyOf(salesQueues);
            serviceLevelTargetPercent = serviceLevelTargetPercent == null || serviceLevelTargetPercent <= 0
                    || serviceLevelTargetPercent > 100 ? 80 : serviceLevelTargetPercent;
        }
    }
}
