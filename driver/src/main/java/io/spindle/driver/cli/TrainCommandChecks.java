package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.nn.Buffers;

import java.util.Arrays;

/** Checks that rows fit a loaded model before any work, naming the data option at fault. */
final class TrainCommandChecks {
    private TrainCommandChecks() {
    }

    static void fits(Sequential model, Dataset data, String option) {
        long[] in = model.network().config().inputShape();
        if (data.features().size(1) != Buffers.product(in)) {
            throw new ConfigException(option, data.features().size(1) + " values per row",
                    "the model expects input shape " + Arrays.toString(in) + " (" + Buffers.product(in) + " values)");
        }
    }
}
