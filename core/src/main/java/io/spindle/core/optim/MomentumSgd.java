package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/** SGD with classical (heavy-ball) momentum: {@code v = μ·v - lr·g; p += v}. State: [v]. */
final class MomentumSgd extends FlatOptimizer {
    private final INDArray velocity;

    MomentumSgd(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        super(config, layout, dataType, slice);
        this.velocity = stateRow(0);
    }

    @Override
    protected void update(INDArray params, INDArray grads, double lr, long iteration) {
        // libnd4j has no classical-momentum op; nesterovs_updater's state update is this v, but its
        // scalar loop measured slower than these three vectorised passes (bench/RESULTS.md).
        velocity.muli(config.momentum());
        Nd4j.exec(new Axpy(grads, velocity, velocity, -lr));
        params.addi(velocity);
    }
}
