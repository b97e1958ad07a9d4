package io.ctiserver.server.wrapup;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.StateReconciled;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's wrap-up of one PBX, what a contact centre's ACD does after each call: when an agent's answered queue
 * call ends, {@code QueuePause Interface=<iface> Paused=true Reason=<reason>} (no Queue: every queue of the member,
 * so app_queue offers the agent nothing), and after the queue's wrap-up seconds {@code Paused=false}. The tracker
 * reports such a pause as WRAP_UP, so the desktop's timer and the KPIs' wrap-up time see it; {@code wrapup.end}
 * unpauses, which ends it early.
 *
 * <p>The timer unpauses only an agent still in this wrap-up: one who has since paused with another reason, was
 * unpaused, logged out, or is on another call is left alone (an agent on a call when the time is up is unpaused
 * once that call ends, if still in the wrap-up pause). A member found paused with the wrap-up reason that this
 * instance did not pause (the server restarted, or the link came back after the timer fired) gets a deadline from
 * now, so nobody stays in wrap-up for good. Asterisk's refusals are logged.
 *
 * <p>Threads: the tracker calls {@link #onEvent} on its single writer; that only hands the event to this feature's
 * own thread ({@code thread}, shared by the PBXs' instances: one writer), at most {@value #MAX_PENDING} waiting, and
 * never waits for the PBX. Every field below the constructor's is touched on that thread only.
 */
public final class WrapUp implements CtiEventListener {

    static final int MAX_PENDING = 10_000;
    /**
     * The Reason of the timer's unpause, in the queue_log's UNPAUSE line; {@code wrapup.end}'s is "wrap-up ended", so
     * the log tells the agent's early end from the time running out.
     */
    public static final String END_REASON = "wrap-up over";

    private static final Logger log = LoggerFactory.getLogger(WrapUp.class);

    private final String pbx;
    private final WrapUpConfig config;
    private final AmiActionSender sender;
    private final ScheduledExecutorService thread;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean warnedFull;

    /** The queue of the answered call each agent is on (from CallAnswered), until the call ends. */
    private final Map<String, String> queueCallOf = new HashMap<>();
    /** Each agent's last state, as the tracker emitted it. */
    private final Map<String, AgentView> agents = new HashMap<>();
    /** The wrap-ups this instance keeps, by member interface. */
    private final Map<String, Pending> wrapUps = new HashMap<>();

    /** One agent's wrap-up: its deadline, whether the PBX has shown the pause, and its timer. */
    private static final class Pending {
        final long deadline;
        boolean confirmed;
        ScheduledFuture<?> timer;

        Pending(long deadline) {
            this.deadline = deadline;
        }
    }

    public WrapUp(String pbx, WrapUpConfig config, AmiActionSender sender, ScheduledExecutorService thread) {
        this.pbx = pbx;
        this.config = config;
        this.sender = sender;
        this.thread = thread;
    }

    @Override
    public void onEvent(CtiEvent event) {
        if (pbx.equals(event.pbx()) && (event instanceof AgentStateChanged || event instanceof CallAnswered
                || event instanceof StateReconciled)) {
            post(() -> handle(event));
        }
    }

    private void post(Runnable task) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            if (!warnedFull) {
                warnedFull = true;
                log.warn("pbx {}: wrap-up is {} events behind; dropping events until it catches up", pbx, MAX_PENDING);
            }
            return;
        }
        try {
            thread.execute(() -> {
                pending.decrementAndGet();
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("pbx {}: wrap-up failed: {}", pbx, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet(); // stopping
        }
    }

    private void handle(CtiEvent event) {
        if (event instanceof CallAnswered a) {
            answered(a.call());
        } else if (event instanceof AgentStateChanged s) {
            agentChanged(s.agent(), s.previous());
        } else if (event instanceof StateReconciled) {
            reconciled();
        }
    }

    private void answered(CallView call) {
        String iface = call.agentInterface();
        if (iface == null) {
            return;
        }
        if (call.queue() != null) {
            queueCallOf.put(iface, call.queue());
        } else {
            queueCallOf.remove(iface);
        }
    }

    private void agentChanged(AgentView agent, AgentState previous) {
        String iface = agent.iface();
        AgentState state = agent.state();
        agents.put(iface, agent);
        if (previous == AgentState.ON_CALL && state != AgentState.ON_CALL) {
            String queue = queueCallOf.remove(iface);
            int seconds = queue == null ? 0 : config.secondsFor(queue);
            // Available, or in Asterisk's own wrapuptime: a pause the agent took during the call is theirs to end.
            if (seconds > 0 && (state == AgentState.AVAILABLE || state == AgentState.WRAP_UP && !inOurWrapUp(agent))) {
                start(iface, seconds, queue);
                return;
            }
        }
        Pending p = wrapUps.get(iface);
        if (inOurWrapUp(agent)) {
            if (p == null) {
                found(agent);
            } else {
                p.confirmed = true;
                if (p.deadline <= System.currentTimeMillis()) {
                    end(iface, p); // the time ran out while the agent was on another call
                }
            }
        } else if (p != null && p.confirmed && state != AgentState.ON_CALL && state != AgentState.RINGING) {
            // Unpaused (End wrap-up, a supervisor), paused for something else, or logged out: not ours to end.
            forget(iface, p);
        }
    }

    /** After a resync: a wrap-up whose time ran out while the link was down ends now; one we do not know starts. */
    private void reconciled() {
        long now = System.currentTimeMillis();
        for (AgentView agent : Map.copyOf(agents).values()) {
            if (!inOurWrapUp(agent)) {
                continue;
            }
            Pending p = wrapUps.get(agent.iface());
            if (p == null) {
                found(agent);
            } else if (p.deadline <= now) {
                end(agent.iface(), p);
            }
        }
    }

    private boolean inOurWrapUp(AgentView agent) {
        return agent.state() == AgentState.WRAP_UP && config.reason().equals(agent.pausedReason());
    }

    private void start(String iface, int seconds, String queue) {
        Pending old = wrapUps.remove(iface);
        if (old != null && old.timer != null) {
            old.timer.cancel(false);
        }
        Pending p = schedule(iface, seconds);
        log.debug("pbx {}: {} wraps up for {} s after a call of {}", pbx, iface, seconds, queue);
        send(iface, true, config.reason()).whenComplete((r, e) -> {
            if (e != null || !r.isSuccess()) {
                log.warn("pbx {}: the wrap-up pause of {} was refused: {}", pbx, iface, e != null ? e.toString()
                        : r.message());
                post(() -> {
                    if (wrapUps.get(iface) == p && !p.confirmed) {
                        forget(iface, p);
                    }
                });
            }
        });
    }

    /** A member in the wrap-up pause that this instance did not start: a deadline from now. */
    private void found(AgentView agent) {
        int seconds = 0;
        for (String queue : agent.queues()) {
            seconds = Math.max(seconds, config.secondsFor(queue));
        }
        Pending p = schedule(agent.iface(), seconds);
        p.confirmed = true;
        log.info("pbx {}: {} found in wrap-up; it ends in {} s", pbx, agent.iface(), seconds);
    }

    private Pending schedule(String iface, int seconds) {
        Pending p = new Pending(System.currentTimeMillis() + seconds * 1000L);
        wrapUps.put(iface, p);
        p.timer = thread.schedule(() -> {
            try {
                timeUp(iface, p);
            } catch (RuntimeException e) {
                log.warn("pbx {}: wrap-up of {} failed: {}", pbx, iface, e.toString());
            }
        }, seconds, TimeUnit.SECONDS);
        return p;
    }

    private void timeUp(String iface, Pending p) {
        if (wrapUps.get(iface) != p) {
            return;
        }
        AgentView agent = agents.get(iface);
        if (agent != null && inOurWrapUp(agent)) {
            end(iface, p);
        } else if (agent == null || agent.state() != AgentState.ON_CALL && agent.state() != AgentState.RINGING) {
            wrapUps.remove(iface);
        } // on a call, maybe still paused: agentChanged ends the wrap-up when the call does
    }

    private void end(String iface, Pending p) {
        forget(iface, p);
        send(iface, false, END_REASON).whenComplete((r, e) -> {
            if (e != null || !r.isSuccess()) {
                log.warn("pbx {}: ending the wrap-up of {} was refused: {}", pbx, iface, e != null ? e.toString()
                        : r.message());
                // Kept as run out: the next resync (or the agent's next state) tries again.
                post(() -> wrapUps.putIfAbsent(iface, p));
            }
        });
    }

    private void forget(String iface, Pending p) {
        wrapUps.remove(iface, p);
        if (p.timer != null) {
            p.timer.cancel(false);
        }
    }

    private java.util.concurrent.CompletableFuture<AmiResponse> send(String iface, boolean paused, String reason) {
        try {
            return sender.send(AmiMessage.of("Action", "QueuePause", "Interface", iface,
                    "Paused", Boolean.toString(paused), "Reason", reason));
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        }
    }
}
