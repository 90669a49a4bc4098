package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.metrics.Accuracy;
import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Dropout;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.BatchSampler;
import io.spindle.core.train.Divergence;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * One rank's training loop, the same on every worker (DESIGN.md "One training step"): next local
 * batch from the seeded shard order; forward, loss, backward into the flat gradient buffer;
 * all-reduce the gradients; one optimizer step — so every replica applies the same update.
 * In {@code average} mode the replicas step alone and average their parameters every k steps.
 * A NaN/Inf loss or gradient stops the loop naming the step and the layer; dropout masks follow the
 * global step, and a run can start mid-epoch ({@link StartPoint}), so a resumed run repeats the original.
 *
 * <p>The all-reduce step is sharded when the optimizer allows it (ZeRO stage 1): a reduce-scatter leaves
 * each rank the mean gradient of its own shard (in-JVM ranks running Adam average it inside the update
 * instead), the rank updates only that shard of the parameters and optimizer state, and an all-gather
 * shares the updated parameters. The same bytes cross the wire as in
 * an all-reduce, every element gets the same update it would have got, and each rank does 1/N of the
 * optimizer's work — with Adam on a small model a third of a step's fixed cost.
 */
public final class WorkerLoop {
    private final Network net;
    private final Loss loss;
    private final Accuracy accuracy = new Accuracy();
    private final Optimizer optimizer;
    private final Collective collective;
    private final StepReporter reporter;
    private final List<Double> collectiveSeconds = new ArrayList<>();
    private final List<Dropout> dropouts;
    private final INDArray totals = Nd4j.zeros(DataType.FLOAT, 3);
    private final LayerState layerState;

    public WorkerLoop(Network net, Loss loss, Optimizer optimizer, Collective collective, StepReporter reporter) {
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.collective = collective;
        this.reporter = collective.rank() == 0 ? reporter : StepReporter.NONE;
        this.dropouts = net.layers().stream().filter(Dropout.class::isInstance).map(Dropout.class::cast).toList();
        this.layerState = new LayerState(net.layout());
    }

    /** Makes every rank start from rank 0's parameters. */
    public void synchronizeParameters() {
        collective.broadcast(net.params(), 0);
    }

    public List<EpochStats> run(Dataset shard, TrainingPlan plan) {
        return run(shard, plan, StartPoint.BEGINNING);
    }

    /** Trains from {@code start} (a checkpoint's position) to the plan's last epoch; returns the epochs run here. */
    public List<EpochStats> run(Dataset shard, TrainingPlan plan, StartPoint start) {
        Dataset rows = shard.features().dataType() == net.dataType() ? shard : shard.as(net.dataType());
        // Each rank walks its own shard in its own seeded order; same seed and rank ⇒ same order after a restart.
        BatchSampler sampler = new BatchSampler(rows, plan.localBatch(), plan.seed() + 1_000_003L * collective.rank(), plan.shuffle());
        List<EpochStats> history = new ArrayList<>();
        INDArray decision = Nd4j.zeros(DataType.FLOAT, 1);
        ShardedStep sharded = ShardedStep.plan(plan, net, optimizer, collective);
        long globalStep = (long) (start.epoch() - 1) * plan.stepsPerEpoch() + start.step();
        for (int epoch = start.epoch(); epoch <= plan.epochs(); epoch++) {
            sampler.startEpoch(epoch - 1);
            int first = epoch == start.epoch() ? start.step() : 0;
            // A resumed epoch's earlier figures are global sums; rank 0 carries them so the epoch-end sum counts them once.
            double[] carried = epoch == start.epoch() && collective.rank() == 0 ? start.totals() : new double[3];
            long start0 = System.nanoTime();
            double lossSum = carried[0];
            long correct = (long) carried[1], seen = (long) carried[2], seenHere = 0, syncNanos = 0;
            for (int step = first; step < plan.stepsPerEpoch(); step++, globalStep++) {
                for (Dropout d : dropouts) d.seedForStep(globalStep);
                BatchSampler.Batch batch = sampler.batch(step);
                INDArray out = net.forward(batch.features(), true);
                LossResult r = loss.compute(out, batch.labels());
                if (!Double.isFinite(r.loss())) {
                    throw Divergence.explainLoss(net, r.loss(), batch.features(), where(epoch, step, globalStep) + " on worker " + collective.rank());
                }
                if (loss.classification()) correct += accuracy.count(out, batch.labels());
                net.backward(r.gradient());
                long syncStart = System.nanoTime();
                if (sharded != null) {
                    // Each rank sees only its shard of the mean gradient: check the local one (NaN anywhere poisons the mean).
                    Divergence.checkGradients(net, where(epoch, step, globalStep) + " on worker " + collective.rank());
                    syncNanos += sharded.step();
                } else if (plan.sync().equals("allreduce")) {
                    collective.allReduceMean(net.grads());
                    syncNanos += System.nanoTime() - syncStart;
                    Divergence.checkGradients(net, where(epoch, step, globalStep));
                    optimizer.step(net.params(), net.grads());
                } else {
                    Divergence.checkGradients(net, where(epoch, step, globalStep) + " on worker " + collective.rank());
                    optimizer.step(net.params(), net.grads());
                    boolean lastOfEpoch = step == plan.stepsPerEpoch() - 1;
                    syncStart = System.nanoTime();
                    if ((globalStep + 1) % plan.averagingFrequency() == 0 || lastOfEpoch) collective.allReduceMean(net.params());
                    syncNanos += System.nanoTime() - syncStart;
                }
                lossSum += r.loss() * batch.size();
                seen += batch.size();
                seenHere += batch.size();
                double seconds = (System.nanoTime() - start0) / 1e9;
                reporter.step(epoch, step + 1, plan.stepsPerEpoch(), lossSum / seen, seenHere * collective.size() / seconds);
                boolean midEpoch = step < plan.stepsPerEpoch() - 1;
                if (midEpoch && plan.checkpointEverySteps() > 0 && (globalStep + 1) % plan.checkpointEverySteps() == 0) {
                    double[] sofar = globalTotals(lossSum, correct, seen);
                    if (sharded != null) sharded.gatherState();
                    if (reports()) reporter.checkpoint(new StartPoint(epoch, step + 1, sofar), net.params(), optimizer.state(), optimizer.iteration());
                }
            }
            if (plan.sync().equals("allreduce") && !layerState.isEmpty()) {
                // Running statistics (batch norm) come from each rank's own batches; the model keeps their mean.
                // ('average' mode has just averaged the whole buffer at the epoch's last step.)
                collective.allReduceMean(layerState.gather(net.params()));
                layerState.scatter(net.params());
            }
            double seconds = (System.nanoTime() - start0) / 1e9;
            double[] global = globalTotals(lossSum, correct, seen);
            double n = global[2];
            EpochStats stats = new EpochStats(epoch, global[0] / n,
                    loss.classification() ? global[1] / n : Double.NaN, Double.NaN, Double.NaN,
                    (n - start.totals()[2] * (epoch == start.epoch() ? 1 : 0)) / seconds, seconds, optimizer.learningRate());
            history.add(stats);
            collectiveSeconds.add(syncNanos / 1e9);
            if (sharded != null) sharded.gatherState();
            boolean go = !reports() || reporter.epochEnd(stats, syncNanos / 1e9, net.params(), optimizer.state(), optimizer.iteration());
            if (!plan.stopOnRequest()) continue;
            // Rank 0 heard the driver's decision; every rank must stop at the same epoch or the collectives desync.
            decision.putScalar(0, go ? 1 : 0);
            collective.broadcast(decision, 0);
            if (decision.getFloat(0) == 0) break;
        }
        return history;
    }

    /**
     * The epoch's figures so far summed over ranks in rank order, on every rank. Each rank's totals travel by
     * broadcast, which is always exact float32: a 16-bit wire format would overflow a sum of 60,000 losses.
     */
    private double[] globalTotals(double lossSum, long correct, long seen) {
        double[] global = new double[3];
        for (int r = 0; r < collective.size(); r++) {
            if (r == collective.rank()) totals.putScalar(0, lossSum).putScalar(1, correct).putScalar(2, seen);
            collective.broadcast(totals, r);
            for (int i = 0; i < 3; i++) global[i] += totals.getDouble(i);
        }
        return global;
    }

    private boolean reports() {
        return reporter != StepReporter.NONE;
    }

    private static String where(int epoch, int step, long globalStep) {
        return "at epoch " + epoch + ", step " + (step + 1) + " (global step " + (globalStep + 1) + ")";
    }

    /**
     * Per epoch, the seconds this rank spent inside the collective: sending, reducing and waiting for peers.
     * In-JVM ranks whose Adam averages the gradients in its own pass spend that averaging in the update instead.
     */
    public List<Double> collectiveSeconds() {
        return List.copyOf(collectiveSeconds);
    }
}
