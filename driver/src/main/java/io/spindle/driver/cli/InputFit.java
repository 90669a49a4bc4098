package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.nn.Buffers;

import java.util.Arrays;

/** Checks, before any work, that rows fit a model's input, naming the field or option at fault. */
final class InputFit {
    private InputFit() {
    }

    static void inputFits(long[] inputShape, Dataset data, String field, String source) {
        inputFits(inputShape, data.features().size(1), data.sampleShape(), field, source);
    }

    /** The same check from a row width and sample shape (an IDX header), before any row is read. */
    static void inputFits(long[] inputShape, long width, long[] sampleShape, String field, String source) {
        long want = Buffers.product(inputShape);
        if (width != want) {
            throw new ConfigException(field, Arrays.toString(inputShape), source + " rows hold " + width
                    + " values each (sample shape " + Arrays.toString(sampleShape) + "), but this input shape has "
                    + want + "; the two must match");
        }
    }
}
