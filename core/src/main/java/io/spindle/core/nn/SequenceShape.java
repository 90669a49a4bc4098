package io.spindle.core.nn;

import java.util.Arrays;

/** The per-sample shape check shared by the layers that take a sequence [time, features]. */
final class SequenceShape {
    private SequenceShape() {
    }

    /** Throws unless {@code in} is [time, features], naming the layer. */
    static void require(String layer, long[] in) {
        if (in.length != 2) {
            throw new IllegalArgumentException(layer + " expects [time, features] per sample but got " + Arrays.toString(in)
                    + "; set model.input_shape to e.g. [28, 28], add a reshape layer before it, or start with an embedding");
        }
    }
}
