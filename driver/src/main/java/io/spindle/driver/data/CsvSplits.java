package io.spindle.driver.data;

import io.spindle.core.data.CsvLayout;
import io.spindle.core.data.CsvLines;
import io.spindle.core.data.CsvOptions;
import io.spindle.core.data.DataFormatException;
import io.spindle.driver.run.Storage;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A CSV file cut into byte ranges (splits) at any byte, each owning the lines that start in it, and what one Spark
 * pass over the splits learned: the data rows and lines before each split, the class count and a fingerprint. With it
 * a worker reads only the splits that hold its rows; the driver reads the first lines only, for
 * the column layout, and every row is checked by the pass before training starts.
 *
 * @param layoutOffset the byte offset of the layout line (the header, or the first data row): lines that start before it are blank
 * @param bounds       split s is bytes [bounds[s], bounds[s + 1])
 * @param rowsBefore   data rows before split s (rowsBefore[splits] is the row count)
 * @param linesBefore  lines before split s, so that a worker's error names the file's own line number
 * @param classes      largest class label + 1 (0 for regression)
 */
public record CsvSplits(String uri, CsvLayout layout, long layoutOffset, long[] bounds, long[] rowsBefore, long[] linesBefore,
                        int classes, String fingerprint) implements Serializable {
    /** Splits at least this large, so a small file is one or a few: the whole job reads little either way. */
    static final long MIN_SPLIT_BYTES = 1 << 20;
    /** Splits at most this large, so the checking pass spreads over the cluster. */
    static final long MAX_SPLIT_BYTES = 64L << 20;

    public long rows() {
        return rowsBefore[rowsBefore.length - 1];
    }

    public int splits() {
        return bounds.length - 1;
    }

    /** Counts and checks {@code uri} in one Spark pass, in splits sized for the cluster (the fingerprint does not depend on them). */
    public static CsvSplits count(JavaSparkContext sc, Storage storage, String uri, CsvOptions options) throws IOException {
        long length = storage.length(uri);
        long splits = Math.max(1, Math.min(ceil(length, MIN_SPLIT_BYTES), Math.max(4L * sc.defaultParallelism(), ceil(length, MAX_SPLIT_BYTES))));
        return count(sc, storage, uri, options, ceil(length, splits));
    }

    /** As {@link #count(JavaSparkContext, Storage, String, CsvOptions)}, with splits of {@code splitBytes} (the last may be shorter). */
    public static CsvSplits count(JavaSparkContext sc, Storage storage, String uri, CsvOptions options, long splitBytes) throws IOException {
        String qualified = storage.qualify(uri);
        Layout first = layoutOf(storage, qualified, uri, options);
        long length = storage.length(qualified);
        int splits = Math.toIntExact(Math.max(1, ceil(length, splitBytes)));
        long[] bounds = new long[splits + 1];
        for (int s = 0; s <= splits; s++) bounds[s] = Math.min(length, s * splitBytes);
        List<SplitCount> counts = sc.parallelize(IntStream.range(0, splits).boxed().toList(), splits)
                .map(new CountSplit(qualified, first.layout(), first.offset(), bounds)).collect().stream().map(SplitCount::of).toList();
        long[] rowsBefore = new long[splits + 1], linesBefore = new long[splits + 1];
        int maxClass = -1;
        long hash = 0;
        for (int s = 0; s < splits; s++) {
            SplitCount c = counts.get(s);
            if (c.badLine() > 0) throw lineError(storage, qualified, first.layout(), bounds, s, c.badLine(), linesBefore[s] + c.badLine());
            rowsBefore[s + 1] = rowsBefore[s] + c.rows();
            linesBefore[s + 1] = linesBefore[s] + c.lines();
            maxClass = Math.max(maxClass, c.maxClass());
            hash = RowHash.append(hash, c.hash(), c.rows());
        }
        if (rowsBefore[splits] == 0) {
            throw new DataFormatException(uri, "empty: no data rows after the header on line " + first.layout().layoutLine());
        }
        String fingerprint = String.format(Locale.ROOT, "csv-poly64:%016x:%d", hash, rowsBefore[splits]);
        return new CsvSplits(qualified, first.layout(), first.offset(), bounds, rowsBefore, linesBefore,
                options.classification() ? maxClass + 1 : 0, fingerprint);
    }

    private record Layout(CsvLayout layout, long offset) {
    }

    /** The layout from the file's first non-blank line: the driver reads nothing beyond it. */
    private static Layout layoutOf(Storage storage, String qualified, String uri, CsvOptions options) throws IOException {
        Layout[] found = new Layout[1];
        try (InputStream in = storage.open(qualified)) {
            CsvLines.read(in, 0, Long.MAX_VALUE, (number, offset, text) -> {
                if (text.isBlank()) return true;
                found[0] = new Layout(CsvLayout.of(uri, options, Math.toIntExact(number), CsvLayout.split(text, options.delimiter())), offset);
                return false;
            });
        }
        if (found[0] == null) throw new DataFormatException(uri, "empty: no lines with data");
        return found[0];
    }

    /** Re-reads line {@code inSplit} of split {@code s} (line {@code line} of the file) for the error a whole-file read gives. */
    private static DataFormatException lineError(Storage storage, String qualified, CsvLayout layout, long[] bounds, int s, long inSplit,
                                                 long line) throws IOException {
        float[] features = new float[layout.width()], labelAndWeight = new float[2];
        try (InputStream in = storage.openAt(qualified, Math.max(0, bounds[s] - 1))) {
            CsvLines.read(in, bounds[s], bounds[s + 1], (number, offset, text) -> {
                if (number == inSplit) layout.parse(line, layout.cells(text), features, 0, labelAndWeight);
                return number < inSplit;
            });
        } catch (DataFormatException e) {
            return e;
        }
        return new DataFormatException(layout.source(), "line " + line + " changed while it was read");
    }

    /** Whether the line at {@code offset} is a data row: not before the layout line, and not the header. */
    public boolean isData(long offset, String text) {
        return isData(layoutOffset, layout, offset, text);
    }

    private static boolean isData(long layoutOffset, CsvLayout layout, long offset, String text) {
        return (offset > layoutOffset || offset == layoutOffset && !layout.header()) && !text.isBlank();
    }

    /**
     * What one split holds; {@code badLine} (from 1 within the split, 0: none) is its first line that is not a valid row.
     * It travels as a long[] (see {@code count}): Spark's Kryo cannot build a record.
     */
    private record SplitCount(long lines, long rows, int maxClass, long hash, long badLine) {
        long[] toArray() {
            return new long[] {lines, rows, maxClass, hash, badLine};
        }

        static SplitCount of(long[] a) {
            return new SplitCount(a[0], a[1], (int) a[2], a[3], a[4]);
        }
    }

    /** Executor side of the checking pass: parses every row of one split, as a worker will. */
    private record CountSplit(String uri, CsvLayout layout, long layoutOffset, long[] bounds) implements Function<Integer, long[]> {
        @Override
        public long[] call(Integer s) throws IOException {
            float[] features = new float[layout.width()], labelAndWeight = new float[2];
            long[] rows = {0}, bad = {0}, hash = {0};
            int[] maxClass = {-1};
            long lines;
            try (InputStream in = Storage.withDefaults().openAt(uri, Math.max(0, bounds[s] - 1))) {
                lines = CsvLines.read(in, bounds[s], bounds[s + 1], (number, offset, text) -> {
                    if (!isData(layoutOffset, layout, offset, text)) return true;
                    try {
                        layout.parse(number, layout.cells(text), features, 0, labelAndWeight);
                    } catch (DataFormatException e) {
                        bad[0] = number;
                        return false;
                    }
                    rows[0]++;
                    if (layout.classification()) maxClass[0] = Math.max(maxClass[0], (int) labelAndWeight[0]);
                    hash[0] = RowHash.append(hash[0], RowHash.of(text), 1);
                    return true;
                });
            }
            return new SplitCount(lines, rows[0], maxClass[0], hash[0], bad[0]).toArray();
        }
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
