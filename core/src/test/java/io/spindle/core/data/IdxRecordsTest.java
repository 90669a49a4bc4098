package io.spindle.core.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker reads only its virtual shards' records of an IDX pair, plain or gzipped; the driver reads only the headers. */
class IdxRecordsTest {
    private static final Path MINI = Path.of("src/test/resources/fashion-mini");

    /** A stream that counts what was read from it (skipped bytes of a plain file are not read). */
    private static final class Counting extends java.io.FilterInputStream {
        long read;

        Counting(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) read++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) read += n;
            return n;
        }
    }

    private static byte[] plain(String name) throws IOException {
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(MINI.resolve(name)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theOwnedRangesAreTheReadersRowsAndNothingElseIsRead() throws IOException {
        byte[] images = plain("train-images-idx3-ubyte.gz"), labels = plain("train-labels-idx1-ubyte.gz");
        Dataset all = IdxReader.read(MINI.resolve("train-images-idx3-ubyte.gz"), null);
        VirtualShards shards = new VirtualShards(2000, 64);
        List<VirtualShards.Range> mine = shards.ownedBy(1, 8);
        Counting in = new Counting(images);
        ByteArrayOutputStream pixels = new ByteArrayOutputStream(), classes = new ByteArrayOutputStream();
        List<Long> firsts = new java.util.ArrayList<>();
        IdxRecords.Header h = IdxRecords.read(in, "images", new ByteArrayInputStream(labels), "labels", mine, (p, l, n, first) -> {
            pixels.write(p, 0, n * 784);
            classes.write(l, 0, n);
            firsts.add(first);
        });
        assertEquals(new IdxRecords.Header(2000, 28, 28), h);
        assertEquals(shards.rowsOf(1, 8), classes.size());
        // What was read: the owned records, plus at most one 64 KiB read-ahead buffer per range.
        assertTrue(in.read <= 16 + 784 * shards.rowsOf(1, 8) + mine.size() * 65536L && in.read < images.length / 2,
                "read " + in.read + " bytes of a " + images.length + "-byte file");
        int k = 0;
        byte[] px = pixels.toByteArray(), lb = classes.toByteArray();
        for (VirtualShards.Range r : mine) {
            assertTrue(firsts.contains(r.from()));
            for (long row = r.from(); row < r.to(); row++, k++) {
                float[] expected = all.features().getRow(row).toFloatVector();
                for (int j = 0; j < 784; j++) assertEquals(expected[j], (px[k * 784 + j] & 0xff) / 255f, "row " + row);
                assertEquals(all.labels().getFloat(row, 0), lb[k]);
            }
        }
    }

    @Test
    void gzippedPairsAndHeadersOnly() throws IOException {
        try (InputStream i = Files.newInputStream(MINI.resolve("t10k-images-idx3-ubyte.gz")); InputStream l = Files.newInputStream(MINI.resolve("t10k-labels-idx1-ubyte.gz"))) {
            assertEquals(new IdxRecords.Header(500, 28, 28), IdxRecords.headerOf(i, "i", l, "l"));
        }
        byte[][] got = new byte[1][];
        try (InputStream i = Files.newInputStream(MINI.resolve("t10k-images-idx3-ubyte.gz")); InputStream l = Files.newInputStream(MINI.resolve("t10k-labels-idx1-ubyte.gz"))) {
            IdxRecords.read(i, "i", l, "l", List.of(new VirtualShards.Range(0, 497, 500)), (p, lb, n, first) -> got[0] = lb.clone());
        }
        Dataset test = IdxReader.read(MINI.resolve("t10k-images-idx3-ubyte.gz"), null);
        assertArrayEquals(test.labels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(497, 500)).dup().data().asFloat(),
                new float[] {got[0][0], got[0][1], got[0][2]});
    }

    @Test
    void theClassesOfALabelsFileAloneAreItsLargestLabelPlusOne() throws IOException {
        assertEquals(8, IdxRecords.classesIn(new ByteArrayInputStream(IdxFiles.gzip(IdxFiles.labels((byte) 3, (byte) 7, (byte) 0))), "lab.idx"));
        try (InputStream l = Files.newInputStream(MINI.resolve("t10k-labels-idx1-ubyte.gz"))) {
            assertEquals(10, IdxRecords.classesIn(l, "l"));
        }
        byte[] cut = java.util.Arrays.copyOf(IdxFiles.labels((byte) 1, (byte) 2, (byte) 3), 10);   // promises 3 labels, holds 2
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxRecords.classesIn(new ByteArrayInputStream(cut), "lab.idx"));
        assertTrue(e.getMessage().startsWith("lab.idx: truncated"), e.getMessage());
    }

    @Test
    void aTruncatedFileAndMismatchedCountsAreNamed() {
        byte[] images = IdxFiles.images(3, 2, 2, new byte[8]);   // promises 3 images, holds 2
        byte[] labels = IdxFiles.labels((byte) 0, (byte) 1, (byte) 2);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxRecords.read(new ByteArrayInputStream(images), "img.idx",
                new ByteArrayInputStream(labels), "lab.idx", List.of(new VirtualShards.Range(0, 2, 3)), (p, l, n, f) -> { }));
        assertTrue(e.getMessage().startsWith("img.idx: truncated"), e.getMessage());
        DataFormatException counts = assertThrows(DataFormatException.class, () -> IdxRecords.headerOf(new ByteArrayInputStream(images), "img.idx",
                new ByteArrayInputStream(IdxFiles.labels((byte) 0)), "lab.idx"));
        assertTrue(counts.getMessage().contains("holds 1 label(s) but the images file img.idx holds 3"), counts.getMessage());
    }
}
