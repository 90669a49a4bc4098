package io.spindle.core.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a numeric CSV file into a {@link Dataset}: features float32 [N, K-1], sample shape {K-1},
 * labels float32 [N, 1]; with a weight column, features [N, K-2] and the weights beside the labels.
 * Blank lines are skipped; a field may be wrapped in double quotes, but a delimiter inside quotes is
 * not supported (the row is then reported as ragged). How cells become values is {@link CsvLayout}'s.
 */
public final class CsvReader {
    private CsvReader() {
    }

    /** Reads a UTF-8 file; its path names it in error messages. */
    public static Dataset read(Path file, CsvOptions options) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), options);
        }
    }

    /** Reads all of {@code in} (not closed); {@code sourceName} names it in error messages. */
    public static Dataset read(Reader in, String sourceName, CsvOptions options) throws IOException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
        CsvRows rows = new CsvRows(sourceName, options);
        int lineNumber = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                // Spreadsheet exports often begin with a byte-order mark.
                if (lineNumber == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                if (!line.isBlank()) rows.add(lineNumber, line);
            }
        } catch (CharacterCodingException e) {
            throw new DataFormatException(sourceName, "not UTF-8 text after line " + lineNumber, e);
        }
        return rows.toDataset();
    }

    /** The rows of one source as they are parsed: the column layout, then growing feature and label values. */
    private static final class CsvRows {
        private final String source;
        private final CsvOptions options;
        private CsvLayout layout;
        private int rowCount;
        private int maxClass = -1;
        private float[] features = new float[1024];
        private int featureCount;
        private float[] labels = new float[64];
        private float[] weights;
        private final float[] labelAndWeight = new float[2];

        CsvRows(String source, CsvOptions options) {
            this.source = source;
            this.options = options;
        }

        void add(int line, String text) throws DataFormatException {
            if (layout == null) {
                layout = CsvLayout.of(source, options, line, CsvLayout.split(text, options.delimiter()));
                if (layout.weighted()) weights = new float[64];
                if (layout.header()) return;
            }
            int width = layout.width();
            if (featureCount + width > features.length) features = Arrays.copyOf(features, grow(features.length, featureCount + width));
            layout.parse(line, layout.cells(text), features, featureCount, labelAndWeight);
            featureCount += width;
            if (rowCount == labels.length) labels = Arrays.copyOf(labels, grow(labels.length, rowCount + 1));
            labels[rowCount] = labelAndWeight[0];
            if (options.classification()) maxClass = Math.max(maxClass, (int) labelAndWeight[0]);
            if (weights != null) {
                if (rowCount == weights.length) weights = Arrays.copyOf(weights, grow(weights.length, rowCount + 1));
                weights[rowCount] = labelAndWeight[1];
            }
            rowCount++;
        }

        Dataset toDataset() throws DataFormatException {
            if (rowCount == 0) {
                throw new DataFormatException(source, layout == null ? "empty: no lines with data"
                        : "empty: no data rows after the header on line " + layout.layoutLine());
            }
            int width = layout.width();
            Dataset rows = new Dataset(
                    Nd4j.create(Arrays.copyOf(features, featureCount), new long[] {rowCount, width}, DataType.FLOAT),
                    Nd4j.create(Arrays.copyOf(labels, rowCount), new long[] {rowCount, 1}, DataType.FLOAT),
                    new long[] {width}, options.classification() ? maxClass + 1 : 0);
            if (weights == null) return rows;
            return rows.withWeights(Nd4j.create(Arrays.copyOf(weights, rowCount), new long[] {rowCount, 1}, DataType.FLOAT),
                    layout.weightColumnName());
        }

        private static int grow(int length, int needed) {
            if (needed > Integer.MAX_VALUE - 8) throw new IllegalStateException("more than 2^31 values in one CSV file");
            return (int) Math.min(Math.max((long) length * 2, needed), Integer.MAX_VALUE - 8);
        }
    }
}
