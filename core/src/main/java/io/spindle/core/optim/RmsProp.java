package io.spindle.core.optim;

import io.spindle.core.kernel.RmsPropKernel;
import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/** Keras RMSprop (no momentum, not centred): {@code s = ρ·s + (1-ρ)·g²; p -= lr·g / sqrt(s + ε)}. State: [s]. */
final class RmsProp extends FlatOptimizer {
    private final INDArray meanSquare;
    private INDArray scratch;   // only beyond 2 GiB, where the libnd4j ops need it
    private RmsPropKernel kernel;

    RmsProp(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        super(config, layout, dataType, slice);
        this.meanSquare = stateRow(0);
    }

    @Override
    protected void update(INDArray params, INDArray grads, double lr, long iteration) {
        // Not libnd4j's rms_prop_updater: it divides by sqrt(s) + ε instead of Keras' sqrt(s + ε), a
        // different step while s is small, and even used for its state update alone it was slower (bench/RESULTS.md).
        double rho = config.rho();
        if (params.length() * params.data().getElementSize() <= Integer.MAX_VALUE) {
            if (kernel == null || !kernel.boundTo(params, grads)) {
                kernel = new RmsPropKernel(params, grads, meanSquare);   // once: callers pass the same buffers
            }
            kernel.step(rho, lr, config.epsilon());
            return;
        }
        // Beyond one buffer's 2 GiB: the same rule as libnd4j ops (which overwrite the gradient).
        if (scratch == null) scratch = scratch();
        Nd4j.exec(new MulOp(grads, grads, scratch));
        meanSquare.muli(rho);
        Nd4j.exec(new Axpy(scratch, meanSquare, meanSquare, 1 - rho));
        Nd4j.exec(new ScalarAdd(meanSquare, null, scratch, config.epsilon()));
        Nd4j.exec(new Sqrt(scratch, scratch));
        grads.divi(scratch);
        Nd4j.exec(new Axpy(grads, params, params, -lr));
    }
}
