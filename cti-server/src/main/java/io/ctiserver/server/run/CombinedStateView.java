package io.ctiserver.server.run;

import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The state of every PBX seen as one: each tracker publishes its own snapshots, and readers (desktops, routing,
 * KPIs) want them together. Calls are ordered oldest first across PBXs; agents and queues keep PBX order.
 */
final class CombinedStateView implements CtiStateView {

    private final List<CtiStateView> views;

    CombinedStateView(List<CtiStateView> views) {
        this.views = List.copyOf(views);
    }

    @Override
    public List<CallView> calls() {
        if (views.size() == 1) {
            return views.get(0).calls();
        }
        List<CallView> all = concat(CtiStateView::calls);
        all.sort(Comparator.comparing(CallView::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return List.copyOf(all);
    }

    @Override
    public Optional<CallView> call(String callId) {
        for (CtiStateView v : views) {
            Optional<CallView> c = v.call(callId);
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<AgentView> agents() {
        return views.size() == 1 ? views.get(0).agents() : List.copyOf(concat(CtiStateView::agents));
    }

    @Override
    public List<QueueView> queues() {
        return views.size() == 1 ? views.get(0).queues() : List.copyOf(concat(CtiStateView::queues));
    }

    private <T> List<T> concat(Function<CtiStateView, List<T>> part) {
        List<T> out = new ArrayList<>();
        for (CtiStateView v : views) {
            out.addAll(part.apply(v));
        }
        return out;
    }
}
