package io.ctiserver.server.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The traffic model: Poisson arrivals at {@code arrivalsPerSecond}; inbound callers (numbers from the customer list,
 * the first {@code vipShare} of it being VIPs) who pick an IVR choice, go through the AGI step and queue with
 * exponential patience; exponential handle times; a share of outbound click-to-dial and internal agent calls.
 * Every draw comes from the PBX's seeded random, so a seed gives the same traffic.
 */
final class Traffic {

    /** The testbed's Local agents talk 8 seconds (extensions.conf). */
    static final double SCRIPTED_TALK_SECONDS = 8;

    private final Pbx pbx;
    private final SimConfig cfg;
    private boolean running;
    private long generated;
    private long startedAt;
    private SimEngine.Timer stopTimer;

    Traffic(Pbx pbx) {
        this.pbx = pbx;
        this.cfg = pbx.config;
    }

    double talkSeconds() {
        return exp(cfg.meanHandleSeconds());
    }

    double patienceSeconds() {
        return exp(cfg.meanPatienceSeconds());
    }

    double scriptedTalkSeconds() {
        return SCRIPTED_TALK_SECONDS;
    }

    /** Scripted callers never abandon on their own: the test or the originate's Wait() ends them. */
    double scriptedPatienceSeconds() {
        return 0;
    }

    boolean running() {
        return running;
    }

    long generated() {
        return generated;
    }

    private double exp(double mean) {
        return -Math.log(1 - pbx.random.nextDouble()) * mean;
    }

    void start() {
        if (running || cfg.arrivalsPerSecond() <= 0) {
            return;
        }
        running = true;
        startedAt = pbx.now();
        scheduleNext();
        if (cfg.trafficSeconds() != null && cfg.trafficSeconds() > 0) {
            stopAt(cfg.trafficSeconds());
        }
    }

    /** Stops generating {@code seconds} of simulated time after the traffic started: a reproducible run length. */
    void stopAt(double seconds) {
        if (stopTimer != null) {
            stopTimer.cancel();
        }
        stopTimer = pbx.engine.after(Math.max(0, startedAt + seconds * 1000 - pbx.now()), this::stop);
    }

    void stop() {
        running = false;
    }

    private void scheduleNext() {
        pbx.engine.after(exp(1.0 / cfg.arrivalsPerSecond()) * 1000, () -> {
            if (!running) {
                return;
            }
            arrive();
            scheduleNext();
        });
    }

    private void arrive() {
        generated++;
        double r = pbx.random.nextDouble();
        if (r < cfg.outboundShare()) {
            agentCall(false);
        } else if (r < cfg.outboundShare() + cfg.internalShare()) {
            agentCall(true);
        } else {
            List<String> customers = cfg.customers();
            int vipCount = (int) Math.ceil(customers.size() * cfg.vipShare());
            boolean vip = pbx.random.nextDouble() < cfg.vipShare() && vipCount > 0;
            String number = customers.isEmpty() ? "555" + (1000 + pbx.random.nextInt(9000))
                    : vip ? customers.get(pbx.random.nextInt(vipCount))
                    : customers.get(pbx.random.nextInt(customers.size()));
            String ivr = cfg.ivrChoices().isEmpty() ? null
                    : cfg.ivrChoices().get(pbx.random.nextInt(cfg.ivrChoices().size()));
            placeInbound(pbx, new InboundCall("PJSIP/trunk", number, "Caller " + number, cfg.inboundExten(), ivr,
                    talkSeconds(), patienceSeconds(), pbx.random.nextBoolean()));
        }
    }

    /** An inbound SIP call from the trunk, like capture 09: answer, IVR variable, AGI, queue. */
    static QueueCall placeInbound(Pbx pbx, InboundCall call) {
        pbx.processedCalls++;
        Chan caller = pbx.newChannelWithCallerId(call.trunk(), null, ChanState.RING, "incoming", call.exten(),
                call.number(), call.name());
        caller.location("incoming", call.exten(), 2);
        pbx.newState(caller, ChanState.UP);
        if (call.ivrChoice() != null) {
            pbx.setVar(caller, "IVR_CHOICE", call.ivrChoice());
        }
        QueueCall qc = new QueueCall(pbx, caller, call.talkSeconds(), call.patienceSeconds());
        qc.agentHangsUp = call.agentHangsUp();
        qc.start(pbx.agi);
        return qc;
    }

    /** An agent's click-to-dial (outbound) or a call to another agent (internal), placed like Originate does. */
    private void agentCall(boolean internal) {
        List<Device> free = new ArrayList<>();
        for (Device d : pbx.devices.values()) {
            if (!d.busy && !d.ringing && d.behaviour.equals("answer")) {
                free.add(d);
            }
        }
        if (free.isEmpty() || (internal && free.size() < 2)) {
            return;
        }
        Device from = free.remove(pbx.random.nextInt(free.size()));
        String exten;
        if (internal) {
            Device to = free.get(pbx.random.nextInt(free.size()));
            exten = to.isLocal() ? to.localExten() : to.iface.substring(6);
        } else {
            exten = "0" + (100000000 + pbx.random.nextInt(900000000));
        }
        Originate.start(pbx, new Originate.Request(from.iface, "from-agents", exten, null, null, exten, "",
                30_000, Map.of(), null), m -> { });
    }
}
