package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SGD with Nesterov momentum in the Keras form: {@code v = μ·v - lr·g; p += μ·v - lr·g}. State: [v].
 * (Sutskever's form evaluates the gradient at {@code p + μ·v}; this is the same method with p tracking
 * that look-ahead point, so no second forward pass is needed.)
 */
final class NesterovSgd extends FlatOptimizer {
    private final INDArray velocity;

    NesterovSgd(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        super(config, layout, dataType, slice);
        this.velocity = stateRow(0);
    }

    @Override
    protected void update(INDArray params, INDArray grads, double lr, long iteration) {
        // libnd4j's nesterovs_updater computes this exact step (FusedUpdaterSemanticsTest), but its scalar
        // loop measured slower than these four vectorised passes (bench/RESULTS.md).
        double mu = config.momentum();
        velocity.muli(mu);
        Nd4j.exec(new Axpy(grads, velocity, velocity, -lr));
        Nd4j.exec(new Axpy(velocity, params, params, mu));
        Nd4j.exec(new Axpy(grads, params, params, -lr));
    }
}
