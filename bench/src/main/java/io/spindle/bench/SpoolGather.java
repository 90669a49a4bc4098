package io.spindle.bench;

import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.ValueCodec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How fast a worker gathers shuffled batches out of its spool file: the file memory-mapped ({@link RowStore#mapped}) against
 * one positional read per row ({@link RowStore#read}), alternating passes over the same file in the same JVM, the file
 * held in the page cache. Rows of fashion-mlp's width as float32, batches of 64 in a random order, as training gathers
 * them. {@code bench/run spool-gather [GIB [DIR]]}; the file is written once and kept.
 */
public final class SpoolGather {
    private static final int WIDTH = 784, BATCH = 64;

    public static void main(String[] args) throws IOException {
        double gib = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        Path dir = Path.of(args.length > 1 ? args[1] : "bench/target/spool-gather");
        long rowBytes = 4L * WIDTH;
        int rows = (int) Math.min(Integer.MAX_VALUE, (long) (gib * (1L << 30)) / rowBytes);
        Path file = dir.resolve("rows-" + rows + ".spool");
        if (!Files.exists(file) || Files.size(file) != rows * rowBytes) write(file, rows, rowBytes);
        ValueCodec f32 = ValueCodec.plain(Encoding.FLOAT32);
        RowStore mapped = RowStore.mapped(file, 0, rows, WIDTH, f32), read = RowStore.read(file, 0, rows, WIDTH, f32);
        int[] order = shuffled(rows);
        INDArray batch = Nd4j.create(DataType.FLOAT, BATCH, WIDTH);
        int perPass = Math.min(rows, 400_000) / BATCH * BATCH;
        System.out.printf(Locale.ROOT, "%,d rows of %d float32 (%.2f GiB), batches of %d, %,d rows per pass; µs per row%n",
                rows, WIDTH, rows * (double) rowBytes / (1L << 30), BATCH, perPass);
        double bestMapped = Double.MAX_VALUE, bestRead = Double.MAX_VALUE;
        for (int pass = 0; pass < 4; pass++) {   // pass 0 touches every page once for either reader
            double m = pass(mapped, batch, order, pass * perPass % (rows - perPass + 1), perPass);
            double r = pass(read, batch, order, pass * perPass % (rows - perPass + 1), perPass);
            System.out.printf(Locale.ROOT, "pass %d: mapped %.2f, read %.2f%n", pass, m, r);
            if (pass > 0) {
                bestMapped = Math.min(bestMapped, m);
                bestRead = Math.min(bestRead, r);
            }
        }
        System.out.printf(Locale.ROOT, "spool-gather: gib=%.2f mapped_us_per_row=%.2f read_us_per_row=%.2f%n",
                rows * (double) rowBytes / (1L << 30), bestMapped, bestRead);
    }

    private static double pass(RowStore store, INDArray batch, int[] order, int from, int count) {
        RowStore.Gather gather = store.into(batch);
        long t0 = System.nanoTime();
        for (int b = 0; b < count; b += BATCH) gather.gather(order, from + b, BATCH);
        return (System.nanoTime() - t0) / 1e3 / count;
    }

    private static int[] shuffled(int rows) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(7);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static void write(Path file, int rows, long rowBytes) throws IOException {
        Files.createDirectories(file.getParent());
        ByteBuffer block = ByteBuffer.allocateDirect((int) (rowBytes * 1024));
        SplittableRandom random = new SplittableRandom(11);
        while (block.hasRemaining()) block.put((byte) random.nextInt(256));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < rows * rowBytes; ) {
                block.clear().limit((int) Math.min(block.capacity(), rows * rowBytes - written));
                while (block.hasRemaining()) written += ch.write(block, written);
            }
        }
    }
}
