package io.spindle.core.config;

/** A configuration value was rejected; the message names the field, the bad value and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    private final String field;
    private final String detail;

    public ConfigException(String field, Object value, String allowed) {
        this(field, " = " + render(value) + " is not allowed: " + allowed, true);
    }

    /** For a missing required field or a structural problem that has no single bad value. */
    public ConfigException(String field, String problem) {
        this(field, ": " + problem, true);
    }

    private ConfigException(String field, String detail, boolean raw) {
        super(field + detail);
        this.field = field;
        this.detail = detail;
    }

    /** The dotted path of the offending field, e.g. {@code model.layers[1].units}. */
    public String field() {
        return field;
    }

    /** The same error with the field placed under {@code parent} (for validators that only know local names). */
    public ConfigException under(String parent) {
        if (parent == null || parent.isEmpty() || field.startsWith(parent)) return this;
        return new ConfigException(parent + "." + field, detail, true);
    }

    private static String render(Object value) {
        if (value == null) return "null";
        if (value instanceof CharSequence) return "\"" + value + "\"";
        return String.valueOf(value);
    }
}
