package io.ctiserver.server.storage.reports;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The planned breaks agents are expected to take ({@code storage.schedule}), against which the agent report measures
 * adherence to pauses. Times are wall-clock times in the site's {@code timeZone}, so a 12:00 lunch stays at noon
 * across daylight-saving changes.
 *
 * <pre>{@code "schedule": {"timeZone": "Europe/Paris",
 *     "teams": {"sales": ["PJSIP/1001", "PJSIP/1002"]},
 *     "breaks": [{"days": "mon-fri", "start": "12:00", "end": "12:45", "reason": "lunch", "teams": ["sales"]},
 *                {"start": "15:30", "end": "15:45", "reason": "break", "agents": ["PJSIP/1003"]}]}}</pre>
 *
 * @param timeZone the site's time zone (an IANA id)
 * @param teams    team name to agent interfaces, as in the report's {@code agent} column
 * @param breaks   the planned breaks
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BreakSchedule(String timeZone, Map<String, List<String>> teams, List<Break> breaks) {

    /**
     * One planned break, every day of {@code days}, for the agents listed and the agents of the teams listed; with
     * neither, for every agent.
     *
     * @param days   day spec as in routing hours: {@code mon-fri}, {@code sat,sun}, {@code mon-sun}
     * @param start  HH:MM, wall-clock in the schedule's zone
     * @param end    HH:MM, after {@code start} (a break does not cross midnight)
     * @param reason the pause reason expected; null accepts any
     * @param agents agent interfaces it applies to
     * @param teams  teams it applies to
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Break(String days, String start, String end, String reason, List<String> agents,
                        List<String> teams) {

        public Break {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            days = days == null ? "mon-sun" : days;
            agents = agents == null ? List.of() : List.copyOf(agents);
            teams = teams == null ? List.of() : List.copyOf(teams);
        }
    }

    /** A stretch of scheduled break time; {@code reason} null accepts any pause reason. */
    public record Window(long startMs, long endMs, String reason) {
    }

    public BreakSchedule {
        timeZone = timeZone == null ? "UTC" : timeZone;
        teams = teams == null ? Map.of() : Map.copyOf(teams);
        breaks = breaks == null ? List.of() : List.copyOf(breaks);
    }

    public static BreakSchedule none() {
        return new BreakSchedule(null, null, null);
    }

    /** Checks every value once at start-up; a bad one fails naming its key. */
    public BreakSchedule validated() {
        zone();
        for (int i = 0; i < breaks.size(); i++) {
            Break b = breaks.get(i);
            String key = "storage.schedule.breaks[" + i + "].";
            LocalTime s = time(b.start(), key + "start");
            LocalTime e = time(b.end(), key + "end");
            if (!e.isAfter(s)) {
                throw new IllegalArgumentException(key + "end: must be after start (" + b.start() + "); a break "
                        + "does not cross midnight");
            }
            days(b.days(), key + "days");
            for (String t : b.teams()) {
                if (!teams.containsKey(t)) {
                    throw new IllegalArgumentException(key + "teams: no team '" + t + "' in storage.schedule.teams");
                }
            }
        }
        return this;
    }

    /** Whether any break is planned at all. */
    public boolean isEmpty() {
        return breaks.isEmpty();
    }

    /**
     * The agent's scheduled break time within [from, to), sorted and disjoint: overlapping breaks are merged (a
     * merged stretch whose breaks expect different reasons accepts any).
     */
    public List<Window> windows(String agent, Instant from, Instant to) {
        if (breaks.isEmpty()) {
            return List.of();
        }
        ZoneId zone = zone();
        long lo = from.toEpochMilli();
        long hi = to.toEpochMilli();
        List<Window> raw = new ArrayList<>();
        for (Break b : breaks) {
            if (!appliesTo(b, agent)) {
                continue;
            }
            Set<DayOfWeek> days = days(b.days(), "days");
            LocalTime start = LocalTime.parse(b.start());
            LocalTime end = LocalTime.parse(b.end());
            LocalDate last = to.atZone(zone).toLocalDate();
            for (LocalDate d = from.atZone(zone).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
                if (!days.contains(d.getDayOfWeek())) {
                    continue;
                }
                long s = Math.max(lo, d.atTime(start).atZone(zone).toInstant().toEpochMilli());
                long e = Math.min(hi, d.atTime(end).atZone(zone).toInstant().toEpochMilli());
                if (e > s) {
                    raw.add(new Window(s, e, b.reason()));
                }
            }
        }
        raw.sort(Comparator.comparingLong(Window::startMs));
        List<Window> merged = new ArrayList<>();
        for (Window w : raw) {
            Window prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && w.startMs() <= prev.endMs()) {
                String reason = Objects.equals(prev.reason(), w.reason()) ? prev.reason() : null;
                merged.set(merged.size() - 1, new Window(prev.startMs(), Math.max(prev.endMs(), w.endMs()), reason));
            } else {
                merged.add(w);
            }
        }
        return merged;
    }

    private boolean appliesTo(Break b, String agent) {
        if (b.agents().isEmpty() && b.teams().isEmpty()) {
            return true;
        }
        if (b.agents().contains(agent)) {
            return true;
        }
        for (String t : b.teams()) {
            if (teams.getOrDefault(t, List.of()).contains(agent)) {
                return true;
            }
        }
        return false;
    }

    private ZoneId zone() {
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("storage.schedule.timeZone: not a time zone: " + timeZone);
        }
    }

    private static LocalTime time(String s, String key) {
        try {
            if (!s.matches("\\d\\d:\\d\\d")) {
                throw new DateTimeParseException("", s, 0);
            }
            return LocalTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + ": not a time HH:MM: " + s);
        }
    }

    /** {@code mon-fri,sat}: days and ranges of days, wrapping past Sunday ({@code fri-mon}). */
    private static Set<DayOfWeek> days(String spec, String key) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",")) {
            String[] fromTo = part.trim().split("-");
            if (fromTo.length > 2) {
                throw new IllegalArgumentException(key + ": not a day range: " + part.trim());
            }
            DayOfWeek from = day(fromTo[0], key);
            DayOfWeek to = fromTo.length > 1 ? day(fromTo[1], key) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                out.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return out;
    }

    private static DayOfWeek day(String s, String key) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (k.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(k)) {
                return d;
            }
        }
        throw new IllegalArgumentException(key + ": unknown day '" + s.trim() + "' (use mon, tue, ... sun)");
    }
}
