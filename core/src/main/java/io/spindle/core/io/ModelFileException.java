package io.spindle.core.io;

import java.io.IOException;
import java.util.HexFormat;

/**
 * A model file could not be loaded; the message starts with the file's name and says which problem,
 * and {@link #problem()} lets a caller (e.g. checkpoint resume) fall back without parsing the message.
 */
public final class ModelFileException extends IOException {

    /** What kind of damage or mismatch was found. */
    public enum Problem {
        /** The bytes do not start with the Spindle magic. */
        NOT_A_MODEL_FILE,
        /** A later Spindle wrote it in a format version this build does not read. */
        NEWER_VERSION,
        /** The data ends inside a section: an interrupted write or copy. */
        TRUNCATED,
        /** The bytes are damaged: checksum mismatch, impossible lengths, unreadable header JSON. */
        CORRUPT,
        /** The bytes are intact (checksum matches) but the header does not describe a model this build accepts. */
        INVALID_HEADER
    }

    private final Problem problem;

    private ModelFileException(Problem problem, String source, String detail) {
        super(source + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    static ModelFileException notAModelFile(String source, byte[] start, int length) {
        return new ModelFileException(Problem.NOT_A_MODEL_FILE, source, "not a Spindle model file (it starts with "
                + HexFormat.ofDelimiter(" ").withUpperCase().formatHex(start, 0, length)
                + "; a Spindle model starts with \"" + ModelFile.MAGIC_TEXT + "\")");
    }

    static ModelFileException newerVersion(String source, int version) {
        return new ModelFileException(Problem.NEWER_VERSION, source, "written by a newer Spindle: format version "
                + version + ", this build reads up to " + ModelFile.FORMAT_VERSION);
    }

    static ModelFileException truncated(String source, String section, long expected, long found) {
        return new ModelFileException(Problem.TRUNCATED, source, "truncated: expected " + expected + " bytes of "
                + section + ", found only " + found);
    }

    static ModelFileException corrupt(String source, String detail) {
        return new ModelFileException(Problem.CORRUPT, source, "corrupt: " + detail);
    }

    static ModelFileException checksumMismatch(String source, long stored, long computed) {
        return corrupt(source, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
    }

    static ModelFileException corruptHeader(String source, String detail) {
        return new ModelFileException(Problem.CORRUPT, source, "corrupt header: " + detail);
    }

    static ModelFileException invalidHeader(String source, String detail) {
        return new ModelFileException(Problem.INVALID_HEADER, source, "invalid header: " + detail);
    }
}
