package io.spindle.core.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns of one CSV source, fixed by its header or first data row, and how a data line's cells become a row:
 * the features in column order, the label, and the sample weight when there is a weight column. Shared by the reader of a
 * whole file and by the workers that each read a byte range of it, so both give the same floats and the same errors.
 */
public record CsvLayout(String source, char delimiter, int columns, String[] names, int labelIndex, int weightIndex, int layoutLine,
                        boolean classification) implements Serializable {

    /** The layout that {@code cells} on line {@code line} (the header, or the first data row) fix for {@code options}. */
    public static CsvLayout of(String source, CsvOptions options, int line, String[] cells) throws DataFormatException {
        String[] names = options.header() ? cells : null;
        int columns = cells.length;
        int label = resolve(source, line, "label", options.labelColumn(), names, columns);
        if (columns < 2) throw new DataFormatException(source, "line " + line + ": only one column, the label: there are no feature columns");
        int weight = -1;
        if (options.weightColumn() != null) {
            weight = resolve(source, line, "weight", options.weightColumn(), names, columns);
            if (weight == label) {
                throw new DataFormatException(source, "line " + line + ": the weight column \"" + options.weightColumn() + "\" is the label column");
            }
            if (columns < 3) throw new DataFormatException(source, "line " + line + ": only the label and weight columns: there are no feature columns");
        }
        return new CsvLayout(source, options.delimiter(), columns, names, label, weight, line, options.classification());
    }

    /** The index of the {@code role} column named {@code wanted}: a header name, a 0-based index or -1/"last". */
    private static int resolve(String source, int line, String role, String wanted, String[] names, int columns) throws DataFormatException {
        if (names != null) {
            int byName = Arrays.asList(names).indexOf(wanted);
            if (byName >= 0) return byName;
        }
        Integer index = CsvOptions.index(wanted);
        if (index == null) {
            throw new DataFormatException(source, "line " + line + ": " + role + " column \"" + wanted + "\" is not in the header; the columns are "
                    + Arrays.toString(names));
        }
        if (index >= columns) {
            throw new DataFormatException(source, "line " + line + ": " + role + " column index " + index + " is out of range: the file has "
                    + columns + " columns, indices 0.." + (columns - 1) + " (or -1 / \"last\")");
        }
        return index == -1 ? columns - 1 : index;
    }

    /** Feature values per row. */
    public int width() {
        return columns - (weighted() ? 2 : 1);
    }

    public boolean weighted() {
        return weightIndex >= 0;
    }

    /** Whether the layout line is a header, not a data row. */
    public boolean header() {
        return names != null;
    }

    /** The weight column as error messages name it. */
    public String weightColumnName() {
        return names != null ? names[weightIndex] : "column index " + weightIndex;
    }

    /**
     * Parses data line {@code line}'s cells: the features into {@code features[at .. at + width())}, the label into
     * {@code labelAndWeight[0]} and the weight (if any) into {@code labelAndWeight[1]}.
     */
    public void parse(long line, String[] cells, float[] features, int at, float[] labelAndWeight) throws DataFormatException {
        if (cells.length != columns) {
            throw error(line, "expected " + columns + " columns (as in the " + (names != null ? "header" : "first row")
                    + " on line " + layoutLine + "), found " + cells.length);
        }
        int f = at;
        for (int c = 0; c < columns; c++) {
            if (c == labelIndex) labelAndWeight[0] = label(line, c, cells[c]);
            else if (c == weightIndex) labelAndWeight[1] = weight(line, c, cells[c]);
            else features[f++] = value(line, c, cells[c]);
        }
    }

    private float label(long line, int column, String cell) throws DataFormatException {
        float value = value(line, column, cell);
        // Beyond 2^24 a float no longer holds every integer, so a class index would silently change.
        if (classification && (value < 0 || value != Math.rint(value) || value > (1 << 24))) {
            throw error(line, column, "class label \"" + cell + "\" is not a whole number in [0, 2^24]"
                    + " (reading with classification = true; use false for regression targets)");
        }
        return value;
    }

    private float weight(long line, int column, String cell) throws DataFormatException {
        float value = value(line, column, cell);
        if (!SampleWeights.allowed(value)) throw error(line, column, "weight " + cell + " is not allowed: a weight column holds " + SampleWeights.rule());
        return value;
    }

    private float value(long line, int column, String cell) throws DataFormatException {
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

    private DataFormatException error(long line, String problem) {
        return new DataFormatException(source, "line " + line + ": " + problem);
    }

    private DataFormatException error(long line, int column, String problem) {
        String name = names != null ? " (\"" + names[column] + "\")" : "";
        return new DataFormatException(source, "line " + line + ", column index " + column + name + ": " + problem);
    }

    /** The cells of one line. */
    public String[] cells(String line) {
        return split(line, delimiter);
    }

    /** Splits on the delimiter, keeping empty trailing fields, and trims spaces and one pair of quotes. */
    public static String[] split(String line, char delimiter) {
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
}
