package io.ctiserver.server.gateway.bench;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.bench.Throughput;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.events.FanoutInbox;
import io.ctiserver.server.gateway.events.InboxItems;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * {@code bench inbox}: the gateway fan-out's inbox on the soak's event mix (per call: offered, answered, ended, two
 * agent states, and a {@code queue.updated} of {@code --callers} waiting callers on the join and on the leave, over
 * three queues). Baseline in the same run: the {@code ArrayBlockingQueue} of 65,536 it replaced.
 * <ol>
 *   <li>The tracker's cost: offers per second, each followed by the fan-out's take, on one thread (the offer now also
 *       estimates the event's weight and looks up its snapshot key).</li>
 *   <li>A fan-out held back: {@code --held} offers (each a new event, as the tracker makes them) with nobody taking;
 *       what waits, its estimated bytes, the heap it keeps alive after a full GC, and the drops.</li>
 * </ol>
 */
public final class InboxBenchmark implements BenchCommand.Benchmark {

    private static final Instant T0 = Instant.parse("2026-12-03T14:40:00Z");
    private static final String[] QUEUES = {"support", "sales", "billing"};

    @Override
    public String summary() {
        return "the fan-out's inbox: offer cost and memory with the fan-out held, against the ArrayBlockingQueue it replaced";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("callers", "seconds", "held"), Set.of());
        int callers = a.getInt("callers", 220);
        int seconds = a.getInt("seconds", 5);
        int held = a.getInt("held", 20_000);
        long budget = EventFanout.defaultInboxBytes();
        System.out.printf("bench inbox: %d waiting callers per queue snapshot, %d s per pass (after as long a warm-up), "
                        + "%d offers held; inbox bounds %d events, %d MiB (max heap %d MiB)%n", callers, seconds, held,
                EventFanout.DEFAULT_INBOX_EVENTS, budget >> 20, Runtime.getRuntime().maxMemory() >> 20);
        Mix mix = new Mix(callers);
        List<Object> batch = new ArrayList<>();
        for (int i = 0; batch.size() < 1_000; i++) {
            batch.addAll(mix.call(i));
        }

        ArrayBlockingQueue<Object> old = new ArrayBlockingQueue<>(EventFanout.DEFAULT_INBOX_EVENTS);
        double oldRate = Throughput.rate(() -> {
            for (Object o : batch) {
                old.offer(o);
            }
            while (old.poll() != null) {
                // the fan-out's take
            }
        }, batch.size(), seconds);
        FanoutInbox<Object> inbox = new FanoutInbox<>(EventFanout.DEFAULT_INBOX_EVENTS, budget);
        double newRate = Throughput.rate(() -> {
            for (Object o : batch) {
                inbox.offer(o, InboxItems.snapshotKey(o), InboxItems.weight(o));
            }
            try {
                while (!inbox.isEmpty()) {
                    inbox.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, batch.size(), seconds);
        System.out.printf("%n1. offer + take, one thread (the tracker's side of each event)%n");
        System.out.printf("%-34s %12.0f offers/s  %8.0f ns per offer%n", "ArrayBlockingQueue (baseline)", oldRate,
                1e9 / oldRate);
        System.out.printf("%-34s %12.0f offers/s  %8.0f ns per offer%n", "FanoutInbox (weight, coalescing)", newRate,
                1e9 / newRate);
        System.out.printf("  ratio to baseline (time per offer)   %.2fx%n", oldRate / newRate);

        System.out.printf("%n2. the fan-out held: %d offers of new events, nobody taking%n", held);
        System.out.printf("%-34s %8s %8s %12s %12s%n", "", "waiting", "dropped", "est. MiB", "heap MiB");
        long heap0 = heapAfterGc();
        ArrayBlockingQueue<Object> oldHeld = new ArrayBlockingQueue<>(EventFanout.DEFAULT_INBOX_EVENTS);
        int oldDropped = 0;
        long oldWeight = 0;
        Mix fresh = new Mix(callers);
        for (int i = 0, n = 0; n < held; i++) {
            for (Object o : fresh.call(i)) {
                if (n++ >= held) {
                    break;
                }
                if (oldHeld.offer(o)) {
                    oldWeight += InboxItems.weight(o);
                } else {
                    oldDropped++;
                }
            }
        }
        long oldHeap = heapAfterGc() - heap0;
        System.out.printf("%-34s %8d %8d %12.1f %12.1f%n", "ArrayBlockingQueue (baseline)", oldHeld.size(), oldDropped,
                oldWeight / 1048576.0, oldHeap / 1048576.0);
        oldHeld.clear();
        heap0 = heapAfterGc();
        FanoutInbox<Object> newHeld = new FanoutInbox<>(EventFanout.DEFAULT_INBOX_EVENTS, budget);
        int newDropped = 0;
        int coalesced = 0;
        fresh = new Mix(callers);
        for (int i = 0, n = 0; n < held; i++) {
            for (Object o : fresh.call(i)) {
                if (n++ >= held) {
                    break;
                }
                switch (newHeld.offer(o, InboxItems.snapshotKey(o), InboxItems.weight(o))) {
                    case DROPPED -> newDropped++;
                    case COALESCED -> coalesced++;
                    case QUEUED -> {
                    }
                }
            }
        }
        long newHeap = heapAfterGc() - heap0;
        System.out.printf("%-34s %8d %8d %12.1f %12.1f  (%d coalesced)%n", "FanoutInbox", newHeld.size(), newDropped,
                newHeld.weight() / 1048576.0, newHeap / 1048576.0, coalesced);
        System.out.printf("  heap held, ratio to baseline          %.3fx%n", newHeap / (double) Math.max(1, oldHeap));
        return 0;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The soak's events, made afresh for each call as the tracker makes them (strings of the callers shared). */
    private static final class Mix {
        final int callers;
        final String[] ids;
        final String[] numbers;
        final Instant[] joined;

        Mix(int callers) {
            this.callers = callers;
            ids = new String[callers + 1];
            numbers = new String[callers + 1];
            joined = new Instant[callers + 1];
            for (int i = 0; i <= callers; i++) {
                ids[i] = "1764772800." + (1000 + i);
                numbers[i] = "555" + (1000 + i);
                joined[i] = T0.plusSeconds(i);
            }
        }

        List<Object> call(int n) {
            String queue = QUEUES[n % QUEUES.length];
            String id = "1764772900." + n;
            String agent = "PJSIP/" + (200 + n % 100);
            CallView ringing = view(id, queue, CallState.RINGING, agent);
            CallView talking = view(id, queue, CallState.CONNECTED, agent);
            AgentView busy = new AgentView("pbx1", agent, "Agent", AgentState.ON_CALL, null, List.of(queue), id, T0);
            AgentView free = new AgentView("pbx1", agent, "Agent", AgentState.AVAILABLE, null, List.of(queue), null, T0);
            CallRecord r = new CallRecord(id, "pbx1", id, CallDirection.INBOUND, "5551001", "Alice Caller", "5000",
                    queue, "Agent", agent, CallResult.ANSWERED, 20, 60, EndedBy.CALLER, List.of(), T0,
                    T0.plusSeconds(20), T0.plusSeconds(80), Map.of("CTI_CUSTOMER_ID", "42"), 0, List.of(), List.of(),
                    List.of(), List.of(), List.of(new CallRecord.Segment("Agent", agent, queue, T0.plusSeconds(20),
                    T0.plusSeconds(80), 60)), List.of());
            return List.of(queue(queue, callers + 1), new CallOffered("pbx1", T0, ringing, agent, "Agent"),
                    new CallAnswered("pbx1", T0, talking), queue(queue, callers),
                    new AgentStateChanged("pbx1", T0, busy, AgentState.AVAILABLE), new CallEnded("pbx1", T0, r),
                    new AgentStateChanged("pbx1", T0, free, AgentState.ON_CALL));
        }

        QueueUpdated queue(String name, int waiting) {
            List<QueueEntryView> entries = new ArrayList<>(waiting);
            for (int i = 0; i < waiting; i++) {
                entries.add(new QueueEntryView(ids[i], i + 1, numbers[i], joined[i]));
            }
            List<QueueMemberView> members = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                members.add(new QueueMemberView("PJSIP/" + (200 + i), "Agent", 0, false, null, 1, false, i));
            }
            return new QueueUpdated("pbx1", T0, new QueueView("pbx1", name, "rrmemory", entries, members));
        }

        private static CallView view(String id, String queue, CallState state, String agent) {
            return new CallView(id, "pbx1", id, CallDirection.INBOUND, state, "5551001", "Alice Caller", "5000", queue,
                    agent, "Agent", T0, T0.plusSeconds(3), state == CallState.CONNECTED ? T0.plusSeconds(20) : null,
                    false, List.of(new Party(Party.Role.CALLER, "PJSIP/trunk-00000001", id, null, "Alice", "5551001"),
                    new Party(Party.Role.AGENT, agent + "-00000002", id + "1", agent, "Agent", "201")),
                    Map.of("CTI_CUSTOMER_ID", "42", "IVR_MENU", "billing"));
        }
    }
}
