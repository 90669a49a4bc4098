package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The recurrent layers' tanh on contiguous arrays: libnd4j's custom {@code tanh} op runs on oneDNN's vectorised
 * kernel, several times faster than the legacy tanh transform at [128, 128] (bench/RESULTS.md).
 */
final class GateMath {
    private GateMath() {
    }

    /** {@code out = tanh(x)}; x and out may be the same array. */
    static void tanh(INDArray x, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("tanh").addInputs(x).addOutputs(out).build());
    }
}
