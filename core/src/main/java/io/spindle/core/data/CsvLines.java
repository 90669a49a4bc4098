package io.spindle.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a byte range of a text file, as Hadoop's line reader splits a file: a range owns every line that starts
 * inside it (a line that starts at its last byte runs on past its end), so adjacent ranges read each line exactly once.
 * A line ends at '\n', and a '\r' before it is dropped. '\n' never occurs inside a multi-byte UTF-8 character, so any
 * byte offset is a safe place to cut.
 */
public final class CsvLines {
    /** Told each line of the range: its number within the range (from 1), its first byte's offset in the file, its text. */
    @FunctionalInterface
    public interface Visitor {
        /** Returns false to stop reading. */
        boolean line(long number, long offset, String text) throws IOException;
    }

    private CsvLines() {
    }

    /**
     * Reads the lines that start in [{@code start}, {@code end}) from {@code in}, which is positioned at byte
     * {@code max(0, start - 1)} of the file (the byte before the range tells whether its first line starts at {@code start}).
     * Returns how many lines it read. A byte-order mark at offset 0 is not part of the first line.
     */
    public static long read(InputStream in, long start, long end, Visitor visitor) throws IOException {
        Bytes bytes = new Bytes(in);
        long at = Math.max(0, start - 1);
        if (start > 0) {
            // Skip to the end of the line that holds byte start - 1: its rest belongs to the range before.
            for (int b = bytes.next(); b >= 0; b = bytes.next()) {
                at++;
                if (b == '\n') break;
            }
        }
        byte[] line = new byte[256];
        long number = 0;
        while (at < end) {
            long offset = at;
            int length = 0;
            int b;
            while ((b = bytes.next()) >= 0) {
                at++;
                if (b == '\n') break;
                if (length == line.length) line = Arrays.copyOf(line, line.length * 2);
                line[length++] = (byte) b;
            }
            if (b < 0 && length == 0) break;   // the end of the file, not an empty last line
            if (length > 0 && line[length - 1] == '\r') length--;
            int from = offset == 0 && length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF ? 3 : 0;
            number++;
            if (!visitor.line(number, offset, new String(line, from, length - from, StandardCharsets.UTF_8))) break;
            if (b < 0) break;
        }
        return number;
    }

    /** An unsynchronised byte buffer over the stream: a line is scanned a byte at a time. */
    private static final class Bytes {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position, limit;

        Bytes(InputStream in) {
            this.in = in;
        }

        int next() throws IOException {
            if (position == limit) {
                limit = in.readNBytes(buffer, 0, buffer.length);
                position = 0;
                if (limit == 0) return -1;
            }
            return buffer[position++] & 0xff;
        }
    }
}
