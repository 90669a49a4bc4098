package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.RowSelection;
import io.spindle.driver.job.DataConfig;

/**
 * {@code data.validation_split} of a source's rows: a seeded draw holds out about {@code fraction} of them for validation
 * and the rest train. Each row is drawn on its own from the seed and its index ({@link RowSelection}), so the executors
 * read their own side's rows from the source and nothing passes through the driver; the same seed draws the same rows.
 * Without a split, every row trains and {@link #validation} is null.
 */
public record ValidationSplit(RowSelection train, RowSelection validation) {

    public static ValidationSplit of(DataConfig data, long seed, long rows) {
        double fraction = data.validationSplit();
        if (fraction == 0) return new ValidationSplit(RowSelection.all(rows), null);
        ValidationSplit split = new ValidationSplit(RowSelection.keptIn(rows, fraction, seed), RowSelection.heldOut(rows, fraction, seed));
        if (split.train.rows() == 0 || split.validation.rows() == 0) {
            throw new ConfigException("data.validation_split", fraction, "a fraction that leaves at least one row on each side of the "
                    + rows + " training rows (this seed's draw held out " + split.validation.rows() + ")");
        }
        return split;
    }

    /** A source's fingerprint, with the draw when there is one: a resumed run must train on the same rows. */
    public String fingerprint(String source) {
        return validation == null ? source : source + " minus " + validation.describe();
    }
}
