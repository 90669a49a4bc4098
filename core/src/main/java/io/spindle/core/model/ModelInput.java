package io.spindle.core.model;

import io.spindle.core.config.ConfigException;

import java.util.Arrays;

/** One named input of a model and its per-sample shape, e.g. {@code img [1, 28, 28]}. */
public record ModelInput(String name, long[] shape) {

    public ModelInput {
        GraphNode.checkName(name, "model.inputs");
        if (shape == null || shape.length == 0) throw new ConfigException("model.inputs." + name, "needs a shape, e.g. [784] or [1, 28, 28]");
        for (long d : shape) {
            if (d < 1) throw new ConfigException("model.inputs." + name, Arrays.toString(shape), "a list of positive integers");
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Values per sample. */
    public long width() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInput m && name.equals(m.name) && Arrays.equals(shape, m.shape);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
