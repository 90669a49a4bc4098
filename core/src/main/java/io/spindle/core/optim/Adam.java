package io.spindle.core.optim;

import io.spindle.core.kernel.AdamKernel;
import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * Adam and AdamW (Keras form, see {@link Optimizer}); AdamW's decoupled weight decay is applied by
 * {@link FlatOptimizer} before this step. State: [m | v].
 */
final class Adam extends FlatOptimizer implements MeanFusingOptimizer {
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private AdamKernel kernel, meanKernel;

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
        kernel(params, grads).step(config.beta1(), config.beta2(), alpha(lr, iteration), config.epsilon());
    }

    @Override
    protected boolean hasFusedMean() {
        return numParams * 4 <= Integer.MAX_VALUE;   // the kernel's limit (see update)
    }

    @Override
    protected void updateOnMean(INDArray params, ByteBuffer[] gradients, double lr, long iteration) {
        if (meanKernel == null || !meanKernel.boundForMeansTo(params)) {
            meanKernel = AdamKernel.onMeans(params, firstMoment, secondMoment);
        }
        meanKernel.stepOnMean(gradients, config.beta1(), config.beta2(), alpha(lr, iteration), config.epsilon());
    }

    private AdamKernel kernel(INDArray params, INDArray grads) {
        if (kernel == null || !kernel.boundTo(params, grads)) {
            kernel = new AdamKernel(params, grads, firstMoment, secondMoment);   // once: callers pass the same buffers
        }
        return kernel;
    }

    /** The bias-corrected rate of step {@code iteration + 1}. */
    private double alpha(double lr, long iteration) {
        long t = iteration + 1;
        return lr * Math.sqrt(1 - Math.pow(config.beta2(), t)) / (1 - Math.pow(config.beta1(), t));
    }
}
