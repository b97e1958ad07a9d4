package io.ctiserver.server.omni;

import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.ContactState;
import io.ctiserver.contact.ContactView;
import io.ctiserver.contact.Medium;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What supervisors see of chat and email: the per-medium KPIs over the sliding window ({@link ContactKpis.Snapshot})
 * and the contacts live now per medium and queue. The {@code media} of the {@code kpi} event and of
 * {@code GET /api/kpis} (the {@code MediaKpis} schema of both documents).
 *
 * @param live  per medium and queue with a live contact: waiting (queued or offered, not yet accepted) and in
 *              progress (accepted, not yet closed), and since when the oldest waiting one waits
 * @param today the same figures as {@code figures}, since midnight in the KPI zone
 */
public record MediaKpis(Instant time, long windowSeconds, List<ContactKpis.Figures> figures,
                        ContactKpis.Occupancy occupancy, List<Live> live, ContactKpis.Today today) {

    /** @param oldestWaitingSince when the longest-waiting contact entered the queue; null when none waits */
    public record Live(Medium medium, String queue, int waiting, int inProgress, Instant oldestWaitingSince) {
    }

    public static MediaKpis of(ContactKpis.Snapshot s, List<Live> live) {
        return new MediaKpis(s.time(), s.windowSeconds(), s.figures(), s.occupancy(), live, s.today());
    }

    /** The live counts of these contacts, ordered by medium, then queue. */
    public static List<Live> count(Collection<ContactView> contacts) {
        Map<Medium, TreeMap<String, int[]>> n = new TreeMap<>();
        Map<String, Instant> oldest = new TreeMap<>();
        for (ContactView v : contacts) {
            if (v.state() == ContactState.CLOSED || v.contact().queue() == null) {
                continue;
            }
            String queue = v.contact().queue();
            int[] c = n.computeIfAbsent(v.contact().medium(), m -> new TreeMap<>())
                    .computeIfAbsent(queue, q -> new int[2]);
            if (v.state() == ContactState.ACTIVE) {
                c[1]++;
            } else {
                c[0]++;
                if (v.queuedAt() != null) {
                    oldest.merge(v.contact().medium() + "/" + queue, v.queuedAt(),
                            (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
        List<Live> out = new ArrayList<>();
        n.forEach((m, qs) -> qs.forEach((q, c) -> out.add(new Live(m, q, c[0], c[1], oldest.get(m + "/" + q)))));
        out.sort(Comparator.comparing(Live::medium).thenComparing(Live::queue));
        return List.copyOf(out);
    }
}
