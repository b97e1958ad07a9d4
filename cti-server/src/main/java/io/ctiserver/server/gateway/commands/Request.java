package io.ctiserver.server.gateway.commands;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, validated access to one command's JSON fields. Every text that can reach an AMI header is refused when it
 * holds a control character, so that no desktop can inject headers or actions into the AMI stream.
 */
public final class Request {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern TEXT_CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\n\\t\\r]]");

    private final JsonNode node;

    public Request(JsonNode node) {
        this.node = node;
    }

    public String required(String field) {
        String v = optional(field);
        if (v == null || v.isEmpty()) {
            throw new CommandException(CommandError.Code.MISSING_FIELD, "missing field '" + field + "'");
        }
        return v;
    }

    public String required(String field, Pattern shape, String what) {
        String v = required(field);
        if (!shape.matcher(v).matches()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "' must be " + what);
        }
        return v;
    }

    public String optional(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "' must be a string");
        }
        String s = v.asText();
        if (s.length() > 256 || CONTROL.matcher(s).find()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD,
                    "field '" + field + "' is too long or holds control characters");
        }
        return s;
    }

    /**
     * A free text (a chat message, an email answer): up to {@code maxChars}, newlines and tabs allowed, other control
     * characters refused. It never reaches an AMI header.
     */
    public String text(String field, int maxChars) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            throw new CommandException(CommandError.Code.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "' must be a string");
        }
        String s = v.asText();
        if (s.length() > maxChars || TEXT_CONTROL.matcher(s).find()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "' must be at most "
                    + maxChars + " characters without control characters other than newlines and tabs");
        }
        return s;
    }

    public Integer optionalInt(String field, int min, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new CommandException(CommandError.Code.INVALID_FIELD,
                    "field '" + field + "' must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }

    public boolean requiredBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new CommandException(CommandError.Code.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!v.isBoolean()) {
            throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    /** A flat object of string values: at most {@code maxEntries}, keys {@code [A-Za-z0-9_]{1,64}}, values <= 1024 chars. */
    public Map<String, String> stringMap(String field, int maxEntries) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new CommandException(CommandError.Code.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!v.isObject() || v.size() == 0 || v.size() > maxEntries) {
            throw new CommandException(CommandError.Code.INVALID_FIELD,
                    "field '" + field + "' must be an object of 1 to " + maxEntries + " string values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        var it = v.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().matches("[A-Za-z0-9_]{1,64}") || !e.getValue().isValueNode()
                    || e.getValue().asText().length() > 1024 || CONTROL.matcher(e.getValue().asText()).find()) {
                throw new CommandException(CommandError.Code.INVALID_FIELD, "field '" + field + "': key '"
                        + e.getKey() + "' must be [A-Za-z0-9_]{1,64} with a text value of at most 1024 characters");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
