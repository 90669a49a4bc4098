package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.data.store.ValueCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows in a file are read one batch ahead on a thread of the sampler's own; the batches are those of rows in memory. */
class BatchReadAheadTest {
    private static final int ROWS = 103, WIDTH = 5;
    private static final ValueCodec F32 = ValueCodec.plain(Encoding.FLOAT32);

    @TempDir
    Path dir;

    private final INDArray features = Nd4j.rand(DataType.FLOAT, ROWS, WIDTH);
    private final INDArray labels = Nd4j.linspace(0, ROWS - 1, ROWS, DataType.FLOAT).reshape(ROWS, 1);

    /** The features, then the labels, as float32 in one file (a spool file's layout without its header). */
    private Path spool() throws IOException {
        Path file = dir.resolve("rows.spool");
        ByteBuffer b = ByteBuffer.allocate(4 * ROWS * (WIDTH + 1)).order(ByteOrder.nativeOrder());
        for (float v : features.data().asFloat()) b.putFloat(v);
        for (float v : labels.data().asFloat()) b.putFloat(v);
        Files.write(file, b.array());
        return file;
    }

    private static RowOrder order() {
        return new GlobalOrder(new VirtualShards(ROWS, 64), 10, 7, true).whole();
    }

    private static StoredRows inFile(Path file, boolean mapped) throws IOException {
        long labelsAt = 4L * ROWS * WIDTH;
        return mapped
                ? new StoredRows(RowStore.mapped(file, 0, ROWS, WIDTH, F32), RowStore.mapped(file, labelsAt, ROWS, 1, F32), new long[] {WIDTH}, 0)
                : new StoredRows(RowStore.read(file, 0, ROWS, WIDTH, F32), RowStore.read(file, labelsAt, ROWS, 1, F32), new long[] {WIDTH}, 0);
    }

    private static long readAheadThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("spindle-read-ahead") && t.isAlive()).count();
    }

    @Test
    void batchesReadAheadAreTheBatchesOfRowsInMemory() throws IOException {
        Path file = spool();
        BatchSampler memory = new BatchSampler(new Dataset(features, labels, new long[] {WIDTH}, 0), 10, order());
        for (boolean mapped : new boolean[] {true, false}) {
            try (BatchSampler ahead = new BatchSampler(inFile(file, mapped), DataType.FLOAT, 10, order())) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    memory.startEpoch(epoch);
                    ahead.startEpoch(epoch);
                    for (int b = 0; b < ahead.batchesPerEpoch(); b++) {
                        assertSameBatch(memory.batch(b), ahead.batch(b), "epoch " + epoch + ", batch " + b);
                    }
                }
                // Out of sequence, as after a resume or a repeated request: the batch is gathered then and there.
                ahead.startEpoch(1);
                memory.startEpoch(1);
                for (int b : new int[] {4, 4, 7, 10, 0, 1}) assertSameBatch(memory.batch(b), ahead.batch(b), "batch " + b + " out of sequence");
            }
        }
    }

    private static void assertSameBatch(BatchSampler.Batch expected, BatchSampler.Batch got, String what) {
        assertEquals(expected.size(), got.size(), what);
        assertEquals(expected.features(), got.features(), what);
        assertEquals(expected.labels(), got.labels(), what);
    }

    @Test
    void aFailedReadIsThrownOnTheCallersThread() throws IOException {
        Path file = spool();
        // Features in a file of their own, cut after the first 10 rows once opened: batch 0 (rows 0-9, in source
        // order) is whole, and the read ahead of batch 1 fails on the sampler's thread.
        Path cut = dir.resolve("features.spool");
        Files.write(cut, Files.readAllBytes(file));
        StoredRows rows = new StoredRows(RowStore.read(cut, 0, ROWS, WIDTH, F32), RowStore.read(file, 4L * ROWS * WIDTH, ROWS, 1, F32),
                new long[] {WIDTH}, 0);
        try (RandomAccessFile f = new RandomAccessFile(cut.toFile(), "rw")) {
            f.setLength(4L * 10 * WIDTH);
        }
        try (BatchSampler ahead = new BatchSampler(rows, DataType.FLOAT, 10, RowOrder.source(ROWS))) {
            ahead.startEpoch(0);
            assertEquals(Nd4j.linspace(0, 9, 10, DataType.FLOAT).reshape(10, 1), ahead.batch(0).labels());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ahead.batch(1));
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    @Test
    void closingEndsTheReadAheadThread() throws Exception {
        long before = readAheadThreads();
        BatchSampler ahead = new BatchSampler(inFile(spool(), true), DataType.FLOAT, 10, order());
        ahead.startEpoch(0);
        ahead.batch(0);
        assertEquals(before + 1, readAheadThreads());
        ahead.close();
        for (int i = 0; i < 500 && readAheadThreads() > before; i++) Thread.sleep(10);
        assertEquals(before, readAheadThreads());
        assertEquals(before, readAheadThreads(), "rows in memory need no thread: " + new BatchSampler(
                new Dataset(features, labels, new long[] {WIDTH}, 0), 10, order()).batchesPerEpoch());
    }
}
