package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.loss.LossResult;
import io.spindle.core.metrics.Accuracy;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Single-process training: for each epoch a seeded shuffle, then per minibatch forward, loss,
 * backward into the flat gradient buffer, one optimizer step on the flat parameter buffer;
 * validation after each epoch and optional early stopping.
 */
public final class Trainer {
    private final Network net;
    private final Loss loss;
    private final Accuracy accuracy = new Accuracy();
    private final Optimizer optimizer;
    private final TrainingConfig config;

    public Trainer(Network net, Loss loss, Optimizer optimizer, TrainingConfig config) {
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.config = config;
    }

    public History fit(Dataset train, Dataset validation, TrainingListener listener) {
        Dataset rows = train.features().dataType() == net.dataType() ? train : train.as(net.dataType());
        BatchSampler sampler = new BatchSampler(rows, config.batchSize(), config.seed(), config.shuffle());
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
        double lossSum = 0;
        long correct = 0, seen = 0;
        for (int step = 0; step < steps; step++) {
            BatchSampler.Batch batch = sampler.batch(step);
            INDArray out = net.forward(batch.features(), true);
            LossResult r = loss.compute(out, batch.labels());
            String where = "at epoch " + epoch + ", step " + (step + 1);
            if (!Double.isFinite(r.loss())) throw Divergence.explainLoss(net, r.loss(), batch.features(), where);
            if (loss.classification()) correct += accuracy.count(out, batch.labels());
            net.backward(r.gradient());
            Divergence.checkGradients(net, where);
            optimizer.step(net.params(), net.grads());
            lossSum += r.loss() * batch.size();
            seen += batch.size();
            listener.onStep(epoch, step + 1, steps, lossSum / seen, seen / ((System.nanoTime() - start) / 1e9));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochStats(epoch, lossSum / seen, loss.classification() ? (double) correct / seen : Double.NaN,
                Double.NaN, Double.NaN, seen / seconds, seconds, optimizer.learningRate());
    }
}
