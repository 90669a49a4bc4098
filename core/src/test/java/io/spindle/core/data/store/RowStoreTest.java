package io.spindle.core.data.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RowStoreTest {
    @TempDir
    Path dir;

    private static byte[] bytesOf(INDArray floats) {
        ByteBuffer b = ByteBuffer.allocate((int) floats.length() * 4).order(ByteOrder.nativeOrder());
        for (float v : floats.data().asFloat()) b.putFloat(v);
        return b.array();
    }

    private static INDArray batch(RowStore store, int[] order) {
        INDArray out = Nd4j.create(DataType.FLOAT, order.length, store.width());
        store.into(out).gather(order, 0, order.length);
        return out;
    }

    @Test
    void memoryHeapAndMappedStoresGatherTheSameBits() throws IOException {
        INDArray rows = Nd4j.rand(DataType.FLOAT, 37, 11);
        byte[] bytes = bytesOf(rows);
        Path file = dir.resolve("rows.spool");
        SpoolFile.write(file, bytes.length + 16, out -> {
            out.write(ByteBuffer.allocate(16), 0);
            out.write(ByteBuffer.wrap(bytes), 16);
        });
        int[] order = {36, 0, 5, 5, 17, 2};
        INDArray expected = Nd4j.pullRows(rows, 1, order);
        ValueCodec f32 = ValueCodec.plain(Encoding.FLOAT32);
        assertEquals(expected, batch(RowStore.of(rows), order));
        assertEquals(expected, batch(RowStore.of(bytes, 37, 11, f32), order));
        // A chunk of 3 rows makes every gather cross chunk boundaries.
        assertEquals(expected, batch(RowStore.mapped(file, 16, 37, 11, f32, 3 * 44), order));
        assertEquals(expected, batch(RowStore.mapped(file, 16, 37, 11, f32), order));
        assertEquals(expected, batch(RowStore.read(file, 16, 37, 11, f32), order));
        INDArray doubles = Nd4j.create(DataType.DOUBLE, order.length, 11);
        RowStore.read(file, 16, 37, 11, f32).into(doubles).gather(order, 0, order.length);
        assertEquals(expected.castTo(DataType.DOUBLE), doubles);
    }

    @Test
    void doubleTargetsAndDoubleRows() {
        INDArray rows = Nd4j.rand(DataType.DOUBLE, 9, 4);
        INDArray out = Nd4j.create(DataType.DOUBLE, 3, 4);
        RowStore.of(rows).into(out).gather(new int[] {8, 1, 3}, 0, 3);
        assertEquals(Nd4j.pullRows(rows, 1, new int[] {8, 1, 3}), out);
        INDArray floats = Nd4j.rand(DataType.FLOAT, 9, 4);
        RowStore.of(floats).into(out).gather(new int[] {8, 1, 3}, 0, 3);
        assertEquals(Nd4j.pullRows(floats, 1, new int[] {8, 1, 3}).castTo(DataType.DOUBLE), out);
    }

    @Test
    void uint8RowsDecodeAsTheCodecSays() {
        byte[] codes = {0, 1, (byte) 254, (byte) 255, 7, 9};
        RowStore store = RowStore.of(codes, 3, 2, ValueCodec.uint8(2, 255f, 0f));
        assertArrayEquals(new float[] {254 / 255f, 1f, 0f, 1 / 255f}, batch(store, new int[] {1, 0}).data().asFloat());
    }

    /** More than 2^31 values in one store (a sparse file: only the rows written take disk). */
    @Test
    void offsetsAreSixtyFourBit() throws IOException {
        long rows = (1L << 30) + 5;   // width 3: 3.2 G values, 3.2 GB
        int width = 3;
        Path file = dir.resolve("big.spool");
        long[] probes = {0, 1L << 29, (1L << 30) - 1, 1L << 30, rows - 1};
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(rows * width);
            for (long r : probes) {
                f.seek(r * width);
                f.write(new byte[] {(byte) (r % 251), (byte) ((r >>> 20) % 251), 42});
            }
        }
        int[] order = new int[probes.length];
        for (int i = 0; i < probes.length; i++) order[i] = (int) probes[i];
        for (RowStore store : new RowStore[] {RowStore.mapped(file, 0, rows, width, ValueCodec.of(Encoding.UINT8, width)),
                RowStore.read(file, 0, rows, width, ValueCodec.of(Encoding.UINT8, width))}) {
            float[] got = batch(store, order).data().asFloat();
            for (int i = 0; i < probes.length; i++) {
                assertArrayEquals(new float[] {probes[i] % 251, (probes[i] >>> 20) % 251, 42}, java.util.Arrays.copyOfRange(got, 3 * i, 3 * i + 3), "row " + probes[i]);
            }
            assertEquals(rows * width, store.bytes());
            assertThrows(IndexOutOfBoundsException.class, () -> batch(store, new int[] {-1}));
        }
    }
}
