package io.ctiserver.server.sim;

import io.ctiserver.config.Range;
import io.ctiserver.config.Secret;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The simulator's configuration, bound from the {@code sim} section of the server config. Every field has a default
 * (see {@link #demo()}), so {@code {"sim": {}}} gives the documented demo: the testbed's queues {@code support}
 * (rrmemory) and {@code sales} (ringall) with Local-style and PJSIP-style agents, and light random traffic.
 *
 * <p>Times are in seconds of simulated time unless the name says otherwise.
 *
 * @param enabled          whether {@code run} starts an in-process simulator
 * @param amiPort          AMI listening port; 0 picks a free one
 * @param amiBindAddress   AMI listening address
 * @param users            AMI users (name and secret)
 * @param agiHost          the CTI server's FastAGI host
 * @param agiPort          its FastAGI port; 0 disables the AGI step (calls go to {@link #defaultQueue})
 * @param agiTimeoutMs     wall-clock deadline for the whole AGI step; then the call falls back to the default queue
 * @param speed            simulated seconds per wall second (1 = real time)
 * @param seed             random seed; the same seed gives the same traffic
 * @param arrivalsPerSecond inbound call rate (Poisson); 0 = no generated traffic
 * @param meanHandleSeconds mean talk time (exponential)
 * @param meanPatienceSeconds mean caller patience before abandoning (exponential)
 * @param vipShare         share of callers from the VIP part of the customer list
 * @param outboundShare    share of generated calls that are agent click-to-dial outbound calls
 * @param internalShare    share of generated calls that are agent-to-agent internal calls
 * @param ivrChoices       IVR_CHOICE values callers pick from before the AGI step
 * @param customers        caller numbers; the first {@code vipShare} part of them are VIPs
 * @param defaultQueue     queue used when AGI fails or answers nothing
 * @param inboundExten     the DID callers dial
 * @param queues           queues with their members
 * @param writeTimeoutMs   an AMI session that cannot take writes for this long is disconnected
 * @param maxSessionBacklogBytes hard bound of one AMI session's unsent bytes
 * @param queueLogFile     where to append queue_log lines, or null for memory only
 * @param ivrQueues        IVR choice to queue, used when the AGI step is disabled (the dialplan's IVR menu);
 *                         without an entry the call goes to {@link #defaultQueue}
 * @param trafficSeconds   generate calls for this many simulated seconds, then stop (a reproducible run);
 *                         null or 0 = for ever
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SimConfig(
        Boolean enabled,
        @Range(min = 0, max = 65535) Integer amiPort,
        String amiBindAddress,
        List<User> users,
        String agiHost,
        @Range(min = 0, max = 65535) Integer agiPort,
        Integer agiTimeoutMs,
        Double speed,
        Long seed,
        Double arrivalsPerSecond,
        Double meanHandleSeconds,
        Double meanPatienceSeconds,
        Double vipShare,
        Double outboundShare,
        Double internalShare,
        List<String> ivrChoices,
        List<String> customers,
        String defaultQueue,
        String inboundExten,
        List<QueueConfig> queues,
        Integer writeTimeoutMs,
        Integer maxSessionBacklogBytes,
        String queueLogFile,
        java.util.Map<String, String> ivrQueues,
        Double trafficSeconds) {

    /** An AMI user of the simulator (manager.conf). */
    public record User(String name, @Secret String secret) {
    }

    /**
     * A queue (queues.conf).
     *
     * @param strategy   ringall, rrmemory, leastrecent or fewestcalls
     * @param timeout    seconds a member rings before AgentRingNoAnswer
     * @param retry      seconds between ring attempts
     * @param wrapupTime seconds a member rests after a call
     * @param maxWait    seconds before the caller leaves with EXITWITHTIMEOUT (Queue()'s timeout argument)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record QueueConfig(String name, String strategy, Integer timeout, Integer retry, Integer wrapupTime,
                              Integer maxWait, List<MemberConfig> members) {
    }

    /**
     * A member and the behaviour of the agent behind it.
     *
     * @param iface         {@code Local/201@agents/n} or {@code PJSIP/agent1}
     * @param behaviour     answer, noanswer or busy
     * @param ringSeconds   ring time before answering
     * @param answerShare   for generated traffic: the chance of answering a ring at all (else no answer)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MemberConfig(String iface, String name, Integer penalty, Boolean paused, String behaviour,
                               Double ringSeconds, Double answerShare) {
    }

    /** The {@code sim} section of the server config, with the demo defaults for whatever it leaves out. */
    public static SimConfig from(io.ctiserver.server.config.ServerConfig config) {
        return config.section("sim", SimConfig.class, demo()).withDefaults();
    }

    public static SimConfig demo() {
        return new SimConfig(true, 5038, "127.0.0.1", List.of(new User("cti", "cti")), "127.0.0.1", 4573, 300,
                1.0, 42L, 0.2, 60.0, 45.0, 0.1, 0.05, 0.05,
                List.of("1", "2", "3"),
                List.of("5551001", "5551002", "5551003", "5551004", "5551005", "5551006", "5551007", "5551008",
                        "5551009", "5551010"),
                "support", "5000",
                List.of(new QueueConfig("support", "rrmemory", 10, 2, 0, 120, List.of(
                                new MemberConfig("Local/201@agents/n", "Agent 201", 0, false, "answer", 2.0, 0.9),
                                new MemberConfig("Local/202@agents/n", "Agent 202", 0, false, "answer", 2.0, 0.9),
                                new MemberConfig("PJSIP/agent1", "SIP Agent 1", 0, true, "answer", 2.0, 0.9))),
                        new QueueConfig("sales", "ringall", 10, 2, 0, 120, List.of(
                                new MemberConfig("Local/203@agents/n", "Agent 203", 0, false, "answer", 2.0, 0.9),
                                new MemberConfig("Local/204@agents/n", "Agent 204", 0, false, "answer", 2.0, 0.9)))),
                5000, 8 * 1024 * 1024, null, java.util.Map.of(), null);
    }

    /** This config with every null field taken from {@link #demo()}. */
    public SimConfig withDefaults() {
        SimConfig d = demo();
        return new SimConfig(or(enabled, d.enabled), or(amiPort, d.amiPort), or(amiBindAddress, d.amiBindAddress),
                or(users, d.users), or(agiHost, d.agiHost), or(agiPort, d.agiPort), or(agiTimeoutMs, d.agiTimeoutMs),
                or(speed, d.speed), or(seed, d.seed), or(arrivalsPerSecond, d.arrivalsPerSecond),
                or(meanHandleSeconds, d.meanHandleSeconds), or(meanPatienceSeconds, d.meanPatienceSeconds),
                or(vipShare, d.vipShare), or(outboundShare, d.outboundShare), or(internalShare, d.internalShare),
                or(ivrChoices, d.ivrChoices), or(customers, d.customers), or(defaultQueue, d.defaultQueue),
                or(inboundExten, d.inboundExten), or(queues, d.queues), or(writeTimeoutMs, d.writeTimeoutMs),
                or(maxSessionBacklogBytes, d.maxSessionBacklogBytes), queueLogFile,
                or(ivrQueues, d.ivrQueues), trafficSeconds);
    }

    public SimConfig withAmiPort(int port) {
        return new SimConfig(enabled, port, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withAgi(String host, int port, int timeoutMs) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, host, port, timeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withTraffic(double rate, long seed, double speed) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                rate, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withQueues(List<QueueConfig> queues) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withCallMix(double meanHandle, double meanPatience, double outbound, double internal) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandle, meanPatience, vipShare, outbound, internal,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withQueueLogFile(String file) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                file, ivrQueues, trafficSeconds);
    }

    public SimConfig withTrafficSeconds(double seconds) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, seconds);
    }

    public SimConfig withCustomers(List<String> customerNumbers, List<String> ivr) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivr, customerNumbers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, ivrQueues, trafficSeconds);
    }

    public SimConfig withIvrQueues(java.util.Map<String, String> map) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, writeTimeoutMs, maxSessionBacklogBytes,
                queueLogFile, map, trafficSeconds);
    }

    public SimConfig withWriteLimits(int timeoutMs, int backlogBytes) {
        return new SimConfig(enabled, amiPort, amiBindAddress, users, agiHost, agiPort, agiTimeoutMs, speed, seed,
                arrivalsPerSecond, meanHandleSeconds, meanPatienceSeconds, vipShare, outboundShare, internalShare,
                ivrChoices, customers, defaultQueue, inboundExten, queues, timeoutMs, backlogBytes, queueLogFile,
                ivrQueues, trafficSeconds);
    }

    private static <T> T or(T v, T fallback) {
        return v == null ? fallback : v;
    }
}
