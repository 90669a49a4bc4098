package io.spindle.core.nn;

import java.util.Arrays;

/**
 * One named parameter block of a layer: its shape, how it is initialised, whether L1/L2 penalties
 * apply to it (weights yes, biases and normalisation scales no), and whether it is trained at all:
 * a non-trainable block is state the layer itself updates (batch norm's running statistics); it is
 * saved with the model, its gradient stays zero and no optimizer or penalty touches it.
 */
public record ParamSpec(String name, long[] shape, Initializer init, long fanIn, long fanOut, boolean regularized,
                        boolean trainable) {

    public ParamSpec {
        if (regularized && !trainable) throw new IllegalArgumentException(name + ": a non-trainable block cannot be regularized");
    }

    /** A trainable block. */
    public ParamSpec(String name, long[] shape, Initializer init, long fanIn, long fanOut, boolean regularized) {
        this(name, shape, init, fanIn, fanOut, regularized, true);
    }

    public long length() {
        return Arrays.stream(shape).reduce(1L, Math::multiplyExact);
    }

    public static ParamSpec weight(String name, long[] shape, Initializer init, long fanIn, long fanOut) {
        return new ParamSpec(name, shape, init, fanIn, fanOut, true);
    }

    public static ParamSpec bias(String name, long length, Initializer init) {
        return new ParamSpec(name, new long[] {length}, init, 0, 0, false);
    }

    /** Layer state kept in the parameter buffer but never trained, e.g. a running mean. */
    public static ParamSpec state(String name, long length, Initializer init) {
        return new ParamSpec(name, new long[] {length}, init, 0, 0, false, false);
    }
}
