package io.spindle.worker;

import io.spindle.core.train.BatchSampler;
import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What each step of an epoch divides this rank's (weighted) loss sum by (see {@code TrainingStep.run}). Unweighted:
 * the local batch's row count, as always. Weighted, when the gradients are averaged every step: the global batch's
 * weight sum over the rank count, so the mean of the ranks' gradients is the global weighted mean and N ranks give
 * 1 rank's update. The ranks learn the global sums once per epoch, not per step: each epoch's order is fixed at its
 * start, so every rank sums its own batches' weights for the whole epoch and the ranks exchange those vectors in one
 * round of broadcasts (exact float32, each sum sent as a high and a low float). No collective is added to a step,
 * and the gradient syncs are untouched. Local SGD ranks step alone, on their own batch's weighted mean.
 */
final class StepNormalisers {
    private final Collective collective;
    private final boolean global;

    /** {@code averagedEveryStep}: the sync averages gradients each step (all-reduce), rather than parameters now and then. */
    StepNormalisers(Collective collective, boolean averagedEveryStep) {
        this.collective = collective;
        this.global = averagedEveryStep;
    }

    /**
     * The normaliser of each of the epoch's {@code steps}, after {@code sampler.startEpoch}. Every rank must call it at
     * the same point when the rows are weighted (all ranks' shards are, or none).
     */
    double[] forEpoch(BatchSampler sampler, int steps, boolean weighted) {
        double[] local = new double[steps];
        for (int s = 0; s < steps; s++) local[s] = sampler.weightSum(s);
        if (!weighted || !global || collective.size() == 1) return local;
        INDArray wire = Nd4j.zeros(DataType.FLOAT, 2L * steps);
        double[] sum = new double[steps];
        for (int r = 0; r < collective.size(); r++) {
            if (r == collective.rank()) {
                for (int s = 0; s < steps; s++) {
                    float high = (float) local[s];
                    wire.putScalar(2L * s, high).putScalar(2L * s + 1, (float) (local[s] - high));
                }
            }
            collective.broadcast(wire, r);
            float[] got = wire.toFloatVector();
            for (int s = 0; s < steps; s++) sum[s] += (double) got[2 * s] + got[2 * s + 1];
        }
        for (int s = 0; s < steps; s++) sum[s] /= collective.size();
        return sum;
    }
}
