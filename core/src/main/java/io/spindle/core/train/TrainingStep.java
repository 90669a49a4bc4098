package io.spindle.core.train;

import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.loss.RowWeights;
import io.spindle.core.metrics.Accuracy;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Dropout;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One training step, the same in the single process and on every worker (DESIGN.md "One training step"): forward,
 * loss, backward into the flat gradient buffer, then the {@link GradientSync} turns this replica's gradient into the
 * update. A NaN or Inf loss or gradient stops training naming the step, the layer and (on a worker) the worker.
 * Dropout masks follow the global step, so a run resumed mid-epoch repeats the original. Sample weights, when the
 * batch has them, weight each row's loss; the step's normaliser makes the replicas' mean gradient the global batch's
 * weighted mean (see {@link #run}).
 */
public final class TrainingStep {
    private final Network net;
    private final Loss loss;
    private final GradientSync sync;
    private final String replica;
    private final Accuracy accuracy = new Accuracy();
    private final List<Dropout> dropouts;
    private final Network.GradientsReady ready;
    private final Network.ParametersNeeded needed;

    /** {@code replica} names this replica in messages ("" in a single process, " on worker 1" on a worker). */
    public TrainingStep(Network net, Loss loss, GradientSync sync, String replica) {
        this.net = net;
        this.loss = loss;
        this.sync = sync;
        this.replica = replica;
        this.dropouts = net.layers().stream().filter(Dropout.class::isInstance).map(Dropout.class::cast).toList();
        this.ready = sync::gradientsReadyFrom;
        this.needed = sync::parametersNeededThrough;
    }

    /**
     * Runs one step. {@code normaliser} is what this replica divides its batch's (weighted) loss sum by: its row count
     * when unweighted; weighted, the global batch's weight sum over the replicas the sync averages, so the averaged
     * gradient is Σ w·∇loss / Σ w over the global batch (in a single process, the batch's own weight sum).
     */
    public StepResult run(BatchSampler.Batch batch, StepPosition at, double normaliser) {
        for (Dropout d : dropouts) d.seedForStep(at.globalStep());
        INDArray out = net.forward(batch.features(), true, needed);
        LossResult r = loss.compute(out, batch.labels(), new RowWeights(batch.weights(), normaliser));
        if (!Double.isFinite(r.loss())) throw Divergence.explainLoss(net, r.loss(), batch.features(), at.describe() + replica);
        long correct = loss.classification() ? accuracy.count(out, batch.labels()) : 0;
        net.backward(r.gradient(), ready);
        Divergence.checkGradients(net, at.describe() + replica);
        long syncNanos = sync.update(at);
        return new StepResult(r.loss(), correct, batch.size(), syncNanos);
    }
}
