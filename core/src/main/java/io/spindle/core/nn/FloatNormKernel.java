package io.spindle.core.nn;

import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Batch norm's Java passes for float batches: {@link ChannelNormKernel} for images, {@link FeatureNormKernel} for [B, F]. */
interface FloatNormKernel {
    /** Whether a kernel takes the arrays: all FLOAT and contiguous, x of the given rank (4: images, 2: [B, F]). */
    static boolean applies(int rank, INDArray x, INDArray... params) {
        if (x.rank() != rank || x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.length() > Integer.MAX_VALUE / 4) return false;
        for (INDArray p : params) {
            if (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p)) return false;
        }
        return true;
    }

    /** Training: normalises with the batch statistics and folds them into the running averages. */
    void forwardTraining(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar,
                         double momentum, double epsilon);

    /** Inference: normalises with the running statistics. */
    void forwardInference(INDArray x, INDArray y, INDArray gamma, INDArray beta, INDArray runningMean, INDArray runningVar, double epsilon);

    /** Adds dγ and dβ into the gradient views and, when {@code dx} is given, writes the input gradient; {@code dy} contiguous. */
    void backward(INDArray dy, INDArray dx, INDArray gamma, INDArray gammaGrad, INDArray betaGrad);
}
