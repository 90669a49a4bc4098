package io.spindle.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Builds IDX file bytes in memory, well-formed or deliberately broken, for reader tests. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** Header {@code 00 00 type ndims}, the big-endian sizes, then {@code payload} as given (lengths unchecked). */
    static byte[] idx(int type, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(payload).array();
    }

    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return idx(0x08, new int[] {count, rows, cols}, pixels);
    }

    static byte[] labels(byte... classes) {
        return idx(0x08, new int[] {classes.length}, classes);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Unsigned values 0..255 as Java's signed bytes. */
    static byte[] unsigned(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }
}
