package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code data.validation_split} on rows the driver holds: a seeded draw of {@code fraction} of the
 * training rows becomes the validation set, the rest trains. The same seed draws the same rows.
 */
public record ValidationSplit(Dataset train, Dataset validation) {

    public static ValidationSplit of(Dataset all, double fraction, long seed) {
        int n = all.size(), held = (int) Math.round(n * fraction);
        if (held < 1 || held >= n) {
            throw new ConfigException("data.validation_split", fraction, "a fraction that leaves at least one row on each side of the "
                    + n + " training rows");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] validation = Arrays.copyOfRange(order, 0, held), train = Arrays.copyOfRange(order, held, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new ValidationSplit(gather(all, train), gather(all, validation));
    }

    private static Dataset gather(Dataset d, int[] rows) {
        Dataset gathered = new Dataset(Nd4j.pullRows(d.features(), 1, rows), Nd4j.pullRows(d.labels(), 1, rows), d.sampleShape(), d.numClasses());
        return d.weighted() ? gathered.withWeights(Nd4j.pullRows(d.weights(), 1, rows), "data.weight_column") : gathered;
    }
}
