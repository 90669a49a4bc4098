package io.spindle.core.nn;

import java.util.Arrays;

/**
 * One named parameter block of a layer: its shape, how it is initialised, and whether
 * L1/L2 penalties apply to it (weights yes, biases and normalisation scales no).
 */
public record ParamSpec(String name, long[] shape, Initializer init, long fanIn, long fanOut, boolean regularized) {

    public long length() {
        return Arrays.stream(shape).reduce(1L, Math::multiplyExact);
    }

    public static ParamSpec weight(String name, long[] shape, Initializer init, long fanIn, long fanOut) {
        return new ParamSpec(name, shape, init, fanIn, fanOut, true);
    }

    public static ParamSpec bias(String name, long length, Initializer init) {
        return new ParamSpec(name, new long[] {length}, init, 0, 0, false);
    }
}
