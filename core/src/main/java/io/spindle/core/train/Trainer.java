package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;

/**
 * Single-process training: for each epoch the run's seeded {@link GlobalOrder}, then one {@link TrainingStep} per
 * minibatch with nothing to sync ({@link LocalUpdate}), its loss the batch's (weighted) mean; validation after each
 * epoch and optional early stopping.
 */
public final class Trainer {
    private final Network net;
    private final Loss loss;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final TrainingStep step;

    public Trainer(Network net, Loss loss, Optimizer optimizer, TrainingConfig config) {
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.config = config;
        this.step = new TrainingStep(net, loss, new LocalUpdate(net, optimizer), "");
    }

    public History fit(Dataset train, Dataset validation, TrainingListener listener) {
        Dataset rows = train.features().dataType() == net.dataType() ? train : train.as(net.dataType());
        // The workers' order (GlobalOrder), so one process and N workers train on the same global batches.
        int shards = GlobalOrder.effectiveShards(rows.size(), config.virtualShards(), Math.min(config.batchSize(), rows.size()));
        GlobalOrder order = new GlobalOrder(new VirtualShards(rows.size(), shards), config.batchSize(), config.seed(), config.shuffle(),
                config.shuffleBlock());
        BatchSampler sampler = new BatchSampler(rows, config.batchSize(), order.whole());
        History history = new History();
        EarlyStoppingMonitor monitor = new EarlyStoppingMonitor(config.earlyStopping());
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            EpochStats stats = runEpoch(sampler, epoch, listener);
            if (validation != null) {
                Evaluation v = Evaluator.evaluate(net, loss, validation, Math.max(config.batchSize(), 256));
                stats = new EpochStats(epoch, stats.trainLoss(), stats.trainAccuracy(), v.loss(), v.accuracy(),
                        stats.samplesPerSecond(), stats.seconds(), stats.learningRate());
            }
            history.add(stats);
            listener.onEpochEnd(stats);
            if (!monitor.update(stats, net::params)) {
                if (monitor.paramsToRestore() != null) net.params().assign(monitor.paramsToRestore());
                history.stoppedEarly(monitor.bestEpoch());
                break;
            }
        }
        return history;
    }

    private EpochStats runEpoch(BatchSampler sampler, int epoch, TrainingListener listener) {
        sampler.startEpoch(epoch - 1);
        int steps = sampler.batchesPerEpoch();
        listener.onEpochStart(epoch, config.epochs(), steps);
        long start = System.nanoTime();
        EpochTotals totals = new EpochTotals(new double[3]);
        for (int s = 0; s < steps; s++) {
            StepPosition at = new StepPosition(epoch, s, steps, (long) (epoch - 1) * steps + s);
            totals.add(step.run(sampler.batch(s), at, sampler.weightSum(s)));
            listener.onStep(epoch, s + 1, steps, totals.meanLoss(), totals.seen() / ((System.nanoTime() - start) / 1e9));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long seen = totals.seen();
        return new EpochStats(epoch, totals.meanLoss(), loss.classification() ? (double) totals.correct() / seen : Double.NaN,
                Double.NaN, Double.NaN, seen / seconds, seconds, optimizer.learningRate());
    }
}
