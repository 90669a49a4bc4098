package io.spindle.core.model;

import java.util.Arrays;

/**
 * One named parameter block of a network, e.g. {@code c1.W} of shape [3, 3, 1, 16], at [offset, offset + length)
 * of the flat buffer; {@code trainable} false marks layer state such as a running mean.
 */
public record NamedParameter(String name, long[] shape, long offset, boolean trainable) {

    public NamedParameter {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long length() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedParameter p && name.equals(p.name) && Arrays.equals(shape, p.shape) && offset == p.offset
                && trainable == p.trainable;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
