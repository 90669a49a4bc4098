package io.spindle.core.optim;

import io.spindle.core.kernel.AdamKernel;
import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam and AdamW (Keras form, see {@link Optimizer}); AdamW's decoupled weight decay is applied by
 * {@link FlatOptimizer} before this step. State: [m | v].
 */
final class Adam extends FlatOptimizer {
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private AdamKernel kernel;

    Adam(OptimizerConfig config, ParamLayout layout, DataType dataType, StateSlice slice) {
        super(config, layout, dataType, slice);
        this.firstMoment = stateRow(0);
        this.secondMoment = stateRow(1);
    }

    @Override
    protected void update(INDArray params, INDArray grads, double lr, long iteration) {
        if (params.length() * params.data().getElementSize() > Integer.MAX_VALUE) {
            // Beyond one buffer's 2 GiB: libnd4j's fused op (the same rule), and a second op to apply it.
            Nd4j.exec(new AdamUpdater(grads, secondMoment, firstMoment, lr, config.beta1(), config.beta2(), config.epsilon(),
                    (int) Math.min(iteration, Integer.MAX_VALUE - 1)));
            params.subi(grads);
            return;
        }
        if (kernel == null || !kernel.boundTo(params, grads)) {
            kernel = new AdamKernel(params, grads, firstMoment, secondMoment);   // once: callers pass the same buffers
        }
        long t = iteration + 1;
        double alpha = lr * Math.sqrt(1 - Math.pow(config.beta2(), t)) / (1 - Math.pow(config.beta1(), t));
        kernel.step(config.beta1(), config.beta2(), alpha, config.epsilon());
    }
}
