package io.spindle.core.data.store;

import io.spindle.core.config.ConfigException;

import java.util.List;
import java.util.Locale;

/**
 * How one stored value is laid out: {@code float32}, {@code float16} or {@code uint8} (a code that a per-feature
 * {@link ValueCodec} turns into a float). {@code FLOAT64} holds double rows for gradient checks; users cannot choose it.
 */
public enum Encoding {
    FLOAT64(8), FLOAT32(4), FLOAT16(2), UINT8(1);

    /** The values {@code data.storage} accepts. */
    public static final List<String> CHOICES = List.of("float32", "float16", "uint8");

    private final int bytes;

    Encoding(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The name a job file uses. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code float32}, {@code float16} or {@code uint8}; anything else is an error naming {@code field} and the choices. */
    public static Encoding parse(String field, String text) {
        if (text != null && CHOICES.contains(text)) return valueOf(text.toUpperCase(Locale.ROOT));
        throw new ConfigException(field, text, "one of " + String.join(", ", CHOICES));
    }
}
