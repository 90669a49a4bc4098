package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/** Plain SGD, {@code p -= lr·g}; no state. */
final class Sgd extends FlatOptimizer {

    Sgd(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        super(config, layout, dataType, slice);
    }

    @Override
    protected void update(INDArray params, INDArray grads, double lr, long iteration) {
        // One fused pass. libnd4j's sgd_updater only writes lr·g to an output, which would need a second pass.
        Nd4j.exec(new Axpy(grads, params, params, -lr));
    }
}
