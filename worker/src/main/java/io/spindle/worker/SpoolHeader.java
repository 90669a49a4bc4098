package io.spindle.worker;

import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a spool file holds, written at its start so a resumed attempt on the same executor can map the file without
 * the source: shard index, rows, shape, label width, classes and the codec. Plain fields, no Java serialization.
 * The features start at {@link #bytes()} (a multiple of 64), the float32 labels right after them, then (when
 * {@code weighted}) one float32 sample weight per row.
 */
record SpoolHeader(int index, int rows, long[] sampleShape, int labelWidth, int numClasses, ValueCodec codec, boolean weighted) {
    private static final long MAGIC = 0x53504e444c535032L;   // "SPNDLSP2"
    private static final int FIXED = 36;

    long bytes() {
        long raw = FIXED + 8L * sampleShape.length + 4 + 8L * codec.divisors().length;
        return (raw + 63) / 64 * 64;
    }

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes())).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC).putInt(index).putInt(rows).putInt(labelWidth).putInt(numClasses).putInt(codec.encoding().ordinal());
        b.putInt(weighted ? 1 : 0).putInt(sampleShape.length);
        for (long d : sampleShape) b.putLong(d);
        float[] div = codec.divisors(), off = codec.offsets();
        b.putInt(div.length);
        for (int j = 0; j < div.length; j++) b.putFloat(div[j]).putFloat(off[j]);
        return b.clear();
    }

    static SpoolHeader read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer fixed = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(fixed, 0);
            fixed.flip();
            if (fixed.remaining() < FIXED || fixed.getLong() != MAGIC) throw new IOException(file + " is not a Spindle spool file of this version");
            int index = fixed.getInt(), rows = fixed.getInt(), labelWidth = fixed.getInt(), classes = fixed.getInt();
            Encoding enc = Encoding.values()[fixed.getInt()];
            boolean weighted = fixed.getInt() != 0;
            int rank = fixed.getInt();
            ByteBuffer dims = ByteBuffer.allocate(8 * rank + 4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(dims, FIXED);
            dims.flip();
            long[] shape = new long[rank];
            for (int i = 0; i < rank; i++) shape[i] = dims.getLong();
            int n = dims.getInt();
            ByteBuffer codes = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(codes, FIXED + 8L * rank + 4);
            codes.flip();
            float[] div = new float[n], off = new float[n];
            for (int j = 0; j < n; j++) {
                div[j] = codes.getFloat();
                off[j] = codes.getFloat();
            }
            ValueCodec codec = enc == Encoding.UINT8 ? ValueCodec.uint8(div, off) : ValueCodec.plain(enc);
            return new SpoolHeader(index, rows, shape, labelWidth, classes, codec, weighted);
        }
    }
}
