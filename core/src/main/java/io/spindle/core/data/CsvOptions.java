package io.spindle.core.data;

import io.spindle.core.config.ConfigException;

/**
 * How {@link CsvReader} reads a file. {@code labelColumn} is a header name (when {@code header}), a
 * 0-based column index (a header name wins if it matches), or {@code "-1"}/{@code "last"} for the last
 * column; every other column is a feature.
 * {@code classification}: labels are class indices >= 0 (numClasses = max + 1), else regression targets.
 * {@code weightColumn} (null: none), named as the label column is, holds per-row sample weights and is not a feature.
 */
public record CsvOptions(boolean header, String labelColumn, char delimiter, boolean classification, String weightColumn) {
    /** The label column spelled as the last column; also accepted as "-1". */
    public static final String LAST = "last";

    public CsvOptions {
        if (labelColumn == null || labelColumn.isBlank()) {
            throw new ConfigException("labelColumn", labelColumn, "a column name, a 0-based index, -1 or \"last\"");
        }
        labelColumn = labelColumn.strip();
        if (!header && index(labelColumn) == null) {
            throw new ConfigException("labelColumn", labelColumn,
                    "a 0-based index, -1 or \"last\": the file has no header, so columns have no names");
        }
        if (weightColumn != null) {
            weightColumn = weightColumn.strip();
            if (weightColumn.isEmpty() || !header && index(weightColumn) == null) {
                throw new ConfigException("weightColumn", weightColumn, header ? "a column name, a 0-based index, -1 or \"last\""
                        : "a 0-based index, -1 or \"last\": the file has no header, so columns have no names");
            }
        }
        if (Character.isLetterOrDigit(delimiter) || "\"\r\n.+-".indexOf(delimiter) >= 0) {
            throw new ConfigException("delimiter", delimiter,
                    "a character that cannot appear in a number or a line break, such as ',', ';', '\\t' or '|'");
        }
    }

    /** Without a weight column. */
    public CsvOptions(boolean header, String labelColumn, char delimiter, boolean classification) {
        this(header, labelColumn, delimiter, classification, null);
    }

    /** Comma-separated, without a weight column. */
    public CsvOptions(boolean header, String labelColumn, boolean classification) {
        this(header, labelColumn, ',', classification);
    }

    /** The label column as an index (-1 for the last column), or null when it is a name. */
    static Integer index(String column) {
        if (column.equalsIgnoreCase(LAST)) return -1;
        try {
            int i = Integer.parseInt(column);
            return i >= -1 ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
