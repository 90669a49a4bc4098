package io.spindle.core.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.ZipException;

/**
 * An IDX images file and its labels file read by record: the header alone (the driver learns the row count and the
 * image shape without reading a row) or only chosen ranges of records (a worker's virtual shards). Records have a
 * fixed size, so a range starts at a computed offset: a plain file is skipped by seeking, a gzipped one inflated
 * past the rows it does not keep, which it never holds.
 */
public final class IdxRecords {
    private static final int BLOCK_BYTES = 1 << 20;

    private IdxRecords() {
    }

    /** An IDX pair's shape: {@code rows} images of {@code height x width} pixels, one label byte each. */
    public record Header(long rows, int height, int width) {
        public long[] sampleShape() {
            return new long[] {1, height, width};
        }

        public int pixels() {
            return height * width;
        }
    }

    /** Receives consecutive records: {@code count} images ({@code count x pixels} bytes) and their labels, the first being source row {@code firstRow}. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] pixels, byte[] labels, int count, long firstRow) throws IOException;
    }

    /** The pair's header; both streams are left after it. Counts that differ are an error naming both files. */
    public static Header header(InputStream images, String imagesName, InputStream labels, String labelsName) throws IOException {
        int[] dims = IdxArray.header(images, imagesName, 3, "an images file [count, rows, cols]");
        int[] count = IdxArray.header(labels, labelsName, 1, "a labels file [count]");
        if (count[0] != dims[0]) {
            throw new DataFormatException(labelsName, "holds " + count[0] + " label(s) but the images file " + imagesName + " holds " + dims[0] + " images");
        }
        return new Header(dims[0], dims[1], dims[2]);
    }

    /** Reads the header of raw (possibly gzipped) streams. */
    public static Header headerOf(InputStream rawImages, String imagesName, InputStream rawLabels, String labelsName) throws IOException {
        return header(IdxArray.open(rawImages), imagesName, IdxArray.open(rawLabels), labelsName);
    }

    /**
     * Hands {@code sink} the records of {@code ranges} (ascending, not overlapping) of raw (possibly gzipped) streams,
     * in blocks; returns the header. Records outside the ranges are skipped, never kept.
     */
    public static Header read(InputStream rawImages, String imagesName, InputStream rawLabels, String labelsName,
                              List<VirtualShards.Range> ranges, Sink sink) throws IOException {
        InputStream images = IdxArray.open(rawImages), labels = IdxArray.open(rawLabels);
        try {
            Header h = header(images, imagesName, labels, labelsName);
            int pixels = h.pixels();
            int block = Math.max(1, BLOCK_BYTES / pixels);
            long at = 0;
            for (VirtualShards.Range r : ranges) {
                if (r.from() < at || r.to() > h.rows()) {
                    throw new IllegalArgumentException("record range [" + r.from() + ", " + r.to() + ") is not after row " + at + " within " + h.rows());
                }
                skip(images, imagesName, (r.from() - at) * pixels, h, pixels);
                skip(labels, labelsName, r.from() - at, h, 1);
                for (long row = r.from(); row < r.to(); row += block) {
                    int n = (int) Math.min(block, r.to() - row);
                    sink.accept(exactly(images, imagesName, n * pixels, h, pixels), exactly(labels, labelsName, n, h, 1), n, row);
                }
                at = r.to();
            }
            return h;
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(imagesName + " or " + labelsName, "corrupt or truncated data (" + e.getMessage() + ")", e);
        }
    }

    /**
     * How many classes a raw (possibly gzipped) labels file names: its largest label + 1. Reads the labels alone, one byte
     * per record, so the images need not be read to check them against a model.
     */
    public static int classesIn(InputStream rawLabels, String labelsName) throws IOException {
        try {
            InputStream labels = IdxArray.open(rawLabels);
            int count = IdxArray.header(labels, labelsName, 1, "a labels file [count]")[0];
            int max = -1;
            byte[] block = new byte[BLOCK_BYTES];
            for (long left = count; left > 0; ) {
                int n = labels.readNBytes(block, 0, (int) Math.min(block.length, left));
                if (n == 0) {
                    throw new DataFormatException(labelsName, "truncated: its header promises " + count + " labels, the data ends sooner");
                }
                for (int i = 0; i < n; i++) max = Math.max(max, block[i] & 0xff);
                left -= n;
            }
            return max + 1;
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(labelsName, "corrupt or truncated data (" + e.getMessage() + ")", e);
        }
    }

    private static void skip(InputStream in, String name, long bytes, Header h, int recordBytes) throws IOException {
        try {
            in.skipNBytes(bytes);
        } catch (EOFException e) {
            throw truncated(name, h, recordBytes);
        }
    }

    private static byte[] exactly(InputStream in, String name, int bytes, Header h, int recordBytes) throws IOException {
        byte[] b = in.readNBytes(bytes);
        if (b.length < bytes) throw truncated(name, h, recordBytes);
        return b;
    }

    private static DataFormatException truncated(String name, Header h, int recordBytes) {
        return new DataFormatException(name, "truncated: its header promises " + h.rows() + " records of " + recordBytes + " byte(s), the data ends sooner");
    }
}
