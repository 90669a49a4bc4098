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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a numeric CSV file into a {@link Dataset}: features float32 [N, K-1], sample shape {K-1},
 * labels float32 [N, 1]; with a weight column, features [N, K-2] and the weights beside the labels.
 * Blank lines are skipped; a field may be wrapped in double quotes, but a delimiter inside quotes is
 * not supported (the row is then reported as ragged).
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
                if (!line.isBlank()) rows.add(lineNumber, split(line, options.delimiter()));
            }
        } catch (CharacterCodingException e) {
            throw new DataFormatException(sourceName, "not UTF-8 text after line " + lineNumber, e);
        }
        return rows.toDataset();
    }

    /** Splits on the delimiter, keeping empty trailing fields, and trims spaces and one pair of quotes. */
    private static String[] split(String line, char delimiter) {
        List<String> cells = new ArrayList<>();
        int start = 0;
        for (int end = line.indexOf(delimiter); end >= 0; end = line.indexOf(delimiter, start)) {
            cells.add(clean(line.substring(start, end)));
            start = end + 1;
        }
        cells.add(clean(line.substring(start)));
        return cells.toArray(String[]::new);
    }

    private static String clean(String cell) {
        String c = cell.strip();
        if (c.length() >= 2 && c.charAt(0) == '"' && c.charAt(c.length() - 1) == '"') {
            c = c.substring(1, c.length() - 1).strip();
        }
        return c;
    }

    /** The rows of one source as they are parsed: the column layout, then growing feature and label values. */
    private static final class CsvRows {
        private final String source;
        private final CsvOptions options;
        private String[] names;
        private int columns = -1;
        private int labelIndex;
        private int weightIndex = -1;
        private int layoutLine;
        private int rowCount;
        private int maxClass = -1;
        private float[] features = new float[1024];
        private int featureCount;
        private float[] labels = new float[64];
        private float[] weights;

        CsvRows(String source, CsvOptions options) {
            this.source = source;
            this.options = options;
        }

        void add(int line, String[] cells) throws DataFormatException {
            if (columns < 0) {
                columns = cells.length;
                layoutLine = line;
                if (options.header()) names = cells;
                labelIndex = resolveLabelColumn(line);
                if (options.weightColumn() != null) weightIndex = resolveWeightColumn(line);
                if (options.header()) return;
            }
            if (cells.length != columns) {
                throw error(line, "expected " + columns + " columns (as in the " + (names != null ? "header" : "first row")
                        + " on line " + layoutLine + "), found " + cells.length);
            }
            for (int c = 0; c < columns; c++) {
                if (c == labelIndex) addLabel(line, c, cells[c]);
                else if (c == weightIndex) addWeight(line, c, cells[c]);
                else addFeature(parse(line, c, cells[c]));
            }
            rowCount++;
        }

        private int resolveLabelColumn(int line) throws DataFormatException {
            return requireFeatureColumns(line, resolve(line, "label", options.labelColumn()));
        }

        private int resolveWeightColumn(int line) throws DataFormatException {
            int at = resolve(line, "weight", options.weightColumn());
            if (at == labelIndex) throw error(line, "the weight column \"" + options.weightColumn() + "\" is the label column");
            if (columns < 3) throw error(line, "only the label and weight columns: there are no feature columns");
            weights = new float[64];
            return at;
        }

        /** The index of the {@code role} column named {@code wanted}: a header name, a 0-based index or -1/"last". */
        private int resolve(int line, String role, String wanted) throws DataFormatException {
            if (names != null) {
                int byName = Arrays.asList(names).indexOf(wanted);
                if (byName >= 0) return byName;
            }
            Integer index = CsvOptions.index(wanted);
            if (index == null) {
                throw error(line, role + " column \"" + wanted + "\" is not in the header; the columns are "
                        + Arrays.toString(names));
            }
            if (index >= columns) {
                throw error(line, role + " column index " + index + " is out of range: the file has " + columns
                        + " columns, indices 0.." + (columns - 1) + " (or -1 / \"last\")");
            }
            return index == -1 ? columns - 1 : index;
        }

        private int requireFeatureColumns(int line, int label) throws DataFormatException {
            if (columns < 2) throw error(line, "only one column, the label: there are no feature columns");
            return label;
        }

        private void addWeight(int line, int column, String cell) throws DataFormatException {
            float value = parse(line, column, cell);
            if (!SampleWeights.allowed(value)) throw error(line, column, "weight " + cell + " is not allowed: a weight column holds " + SampleWeights.rule());
            if (rowCount == weights.length) weights = Arrays.copyOf(weights, grow(weights.length));
            weights[rowCount] = value;
        }

        private void addLabel(int line, int column, String cell) throws DataFormatException {
            float value = parse(line, column, cell);
            if (options.classification()) {
                // Beyond 2^24 a float no longer holds every integer, so a class index would silently change.
                if (value < 0 || value != Math.rint(value) || value > (1 << 24)) {
                    throw error(line, column, "class label \"" + cell + "\" is not a whole number in [0, 2^24]"
                            + " (reading with classification = true; use false for regression targets)");
                }
                maxClass = Math.max(maxClass, (int) value);
            }
            if (rowCount == labels.length) labels = Arrays.copyOf(labels, grow(labels.length));
            labels[rowCount] = value;
        }

        private void addFeature(float value) {
            if (featureCount == features.length) features = Arrays.copyOf(features, grow(features.length));
            features[featureCount++] = value;
        }

        private float parse(int line, int column, String cell) throws DataFormatException {
            if (cell.isEmpty()) throw error(line, column, "empty cell (missing values are not supported)");
            float value;
            try {
                value = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw error(line, column, "\"" + cell + "\" is not a number");
            }
            if (!Float.isFinite(value)) throw error(line, column, "\"" + cell + "\" is not a finite float32");
            return value;
        }

        Dataset toDataset() throws DataFormatException {
            if (rowCount == 0) {
                throw new DataFormatException(source, columns < 0 ? "empty: no lines with data"
                        : "empty: no data rows after the header on line " + layoutLine);
            }
            int width = columns - (weights == null ? 1 : 2);
            Dataset rows = new Dataset(
                    Nd4j.create(Arrays.copyOf(features, featureCount), new long[] {rowCount, width}, DataType.FLOAT),
                    Nd4j.create(Arrays.copyOf(labels, rowCount), new long[] {rowCount, 1}, DataType.FLOAT),
                    new long[] {width}, options.classification() ? maxClass + 1 : 0);
            if (weights == null) return rows;
            String column = names != null ? names[weightIndex] : "column index " + weightIndex;
            return rows.withWeights(Nd4j.create(Arrays.copyOf(weights, rowCount), new long[] {rowCount, 1}, DataType.FLOAT), column);
        }

        private DataFormatException error(int line, String problem) {
            return new DataFormatException(source, "line " + line + ": " + problem);
        }

        private DataFormatException error(int line, int column, String problem) {
            String name = names != null ? " (\"" + names[column] + "\")" : "";
            return new DataFormatException(source, "line " + line + ", column index " + column + name + ": " + problem);
        }

        private static int grow(int length) {
            if (length >= Integer.MAX_VALUE - 8) throw new IllegalStateException("more than 2^31 values in one CSV file");
            return (int) Math.min((long) length * 2, Integer.MAX_VALUE - 8);
        }
    }
}
