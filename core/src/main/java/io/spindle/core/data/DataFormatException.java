package io.spindle.core.data;

import java.io.IOException;

/** A data file could not be read as the expected format; the message names the source and what is wrong. */
public final class DataFormatException extends IOException {
    private final String source;

    public DataFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /** For a failure raised underneath us, such as corrupt gzip data, kept as the cause. */
    public DataFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file name or other description of where the bad data came from. */
    public String source() {
        return source;
    }
}
