package io.ctiserver.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link RoutingConfig.Hours} parsed once: answers "open at this instant?" in the configured zone. */
public final class BusinessHours {

    private record Range(LocalTime from, LocalTime to) {
    }

    private final ZoneId zone;
    private final Map<DayOfWeek, List<Range>> weekly = new EnumMap<>(DayOfWeek.class);
    private final Set<LocalDate> holidays = new HashSet<>();

    public BusinessHours(RoutingConfig.Hours hours) {
        this.zone = ZoneId.of(hours.timeZone());
        hours.weekly().forEach((days, ranges) -> {
            List<Range> parsed = parseRanges(ranges);
            for (DayOfWeek d : parseDays(days)) {
                weekly.computeIfAbsent(d, k -> new ArrayList<>()).addAll(parsed);
            }
        });
        for (String h : hours.holidays()) {
            holidays.add(LocalDate.parse(h.trim()));
        }
    }

    public ZoneId zone() {
        return zone;
    }

    public boolean isHoliday(Instant t) {
        return holidays.contains(t.atZone(zone).toLocalDate());
    }

    public boolean isOpen(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        if (holidays.contains(local.toLocalDate())) {
            return false;
        }
        LocalTime time = local.toLocalTime();
        for (Range r : weekly.getOrDefault(local.getDayOfWeek(), List.of())) {
            if (!time.isBefore(r.from) && time.isBefore(r.to)) {
                return true;
            }
        }
        return false;
    }

    private static List<Range> parseRanges(String spec) {
        List<Range> out = new ArrayList<>();
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("closed")) {
            return out;
        }
        for (String part : spec.split(",")) {
            String[] fromTo = part.trim().split("-");
            if (fromTo.length != 2) {
                throw new IllegalArgumentException("business hours '" + part + "': expected HH:MM-HH:MM");
            }
            LocalTime from = LocalTime.parse(fromTo[0].trim());
            // "24:00" is the usual way to say "until midnight"
            LocalTime to = fromTo[1].trim().equals("24:00") ? LocalTime.MAX : LocalTime.parse(fromTo[1].trim());
            if (!to.isAfter(from)) {
                throw new IllegalArgumentException("business hours '" + part + "': end must be after start");
            }
            out.add(new Range(from, to));
        }
        return out;
    }

    private static List<DayOfWeek> parseDays(String spec) {
        List<DayOfWeek> days = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] fromTo = part.trim().split("-");
            DayOfWeek from = day(fromTo[0]);
            DayOfWeek to = fromTo.length > 1 ? day(fromTo[1]) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (k.length() >= 3 && d.name().toLowerCase(Locale.ROOT).startsWith(k)) {
                return d;
            }
        }
        throw new IllegalArgumentException("business hours: unknown day '" + s + "' (use mon, tue, ... sun)");
    }
}
