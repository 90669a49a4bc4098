package io.spindle.worker;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.store.StoredRows;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.LayerState;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.train.BatchAugmenter;
import io.spindle.core.train.BatchSampler;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.GradientSync;
import io.spindle.core.train.StepPosition;
import io.spindle.core.train.TrainingStep;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.sync.SyncChoice;

import java.util.ArrayList;
import java.util.List;

/**
 * One rank's training loop, the same on every worker: the next local batch of the run's global order, one
 * {@link TrainingStep} whose sync the plan chooses ({@link SyncChoice}), then the side duties as {@link LoopHook}s:
 * progress and epoch reports (rank 0), mid-epoch checkpoints, layer-state averaging, the early-stop vote. After each
 * epoch every rank validates its own part of the validation rows, when it has been given one. A run can
 * start mid-epoch ({@link StartPoint}), so a resumed run repeats the original.
 */
public final class WorkerLoop {
    private final Network net;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Collective collective;
    private final StepReporter reporter;
    private final List<LoopHook> extraHooks;
    private final BatchAugmenter augmenter;
    private final Shard validation;
    private final List<Double> collectiveSeconds = new ArrayList<>();

    public WorkerLoop(Network net, Loss loss, Optimizer optimizer, Collective collective, StepReporter reporter) {
        this(net, loss, optimizer, collective, reporter, List.of(), BatchAugmenter.NONE, null);
    }

    private WorkerLoop(Network net, Loss loss, Optimizer optimizer, Collective collective, StepReporter reporter, List<LoopHook> extraHooks,
                       BatchAugmenter augmenter, Shard validation) {
        this.net = net;
        this.loss = loss;
        this.optimizer = optimizer;
        this.collective = collective;
        this.reporter = collective.rank() == 0 ? reporter : StepReporter.NONE;
        this.extraHooks = extraHooks;
        this.augmenter = augmenter;
        this.validation = validation;
    }

    /** This loop with {@code hook} run after the built-in ones. */
    public WorkerLoop withHook(LoopHook hook) {
        List<LoopHook> hooks = new ArrayList<>(extraHooks);
        hooks.add(hook);
        return new WorkerLoop(net, loss, optimizer, collective, reporter, List.copyOf(hooks), augmenter, validation);
    }

    /** This loop with each gathered batch's images changed by {@code augmenter} before its step. */
    public WorkerLoop withAugmenter(BatchAugmenter augmenter) {
        return new WorkerLoop(net, loss, optimizer, collective, reporter, extraHooks, augmenter, validation);
    }

    /**
     * This loop validating after every epoch on {@code part}, this rank's share of the validation rows (it may have
     * none): every rank of the run must be given its part, or none of them.
     */
    public WorkerLoop withValidation(Shard part) {
        return new WorkerLoop(net, loss, optimizer, collective, reporter, extraHooks, augmenter, part);
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
        return run(StoredRows.of(shard), plan, start);
    }

    /** The same, on rows wherever they are stored (in memory or a mapped spool file): batches are gathered as the net's type. */
    public List<EpochStats> run(StoredRows shard, TrainingPlan plan, StartPoint start) {
        try (GradientSync sync = SyncChoice.of(plan.sync(), net, optimizer, collective)) {
            return run(shard, plan, start, sync);
        }
    }

    private List<EpochStats> run(StoredRows rows, TrainingPlan plan, StartPoint start, GradientSync sync) {
        // The run's global order: the same global batches for any worker count, and after a restart.
        BatchSampler sampler = new BatchSampler(rows, net.dataType(), plan.localBatch(), plan.order(collective.rank(), collective.size(), rows.size()));
        TrainingStep step = new TrainingStep(net, loss, sync, " on worker " + collective.rank());
        GlobalTotals totals = new GlobalTotals(collective);
        StepNormalisers normalisers = new StepNormalisers(collective, plan.sync().mode() == SyncMode.ALLREDUCE);
        List<LoopHook> hooks = hooks(plan, sync, totals);
        EpochValidation validating = validation == null ? null
                : new EpochValidation(validation.rows() == 0 ? null : validation.toDataset(), net, loss, totals);
        List<EpochStats> history = new ArrayList<>();
        long globalStep = (long) (start.epoch() - 1) * plan.stepsPerEpoch() + start.step();
        for (int epoch = start.epoch(); epoch <= plan.epochs(); epoch++) {
            sampler.startEpoch(epoch - 1);
            double[] normaliser = normalisers.forEpoch(sampler, plan.stepsPerEpoch(), rows.weighted());
            boolean resumed = epoch == start.epoch();
            // A resumed epoch's earlier figures are global sums; rank 0 carries them so the epoch-end sum counts them once.
            EpochRun run = new EpochRun(resumed && collective.rank() == 0 ? start.totals() : new double[3]);
            for (int s = resumed ? start.step() : 0; s < plan.stepsPerEpoch(); s++, globalStep++) {
                StepPosition at = new StepPosition(epoch, s, plan.stepsPerEpoch(), globalStep);
                run.add(step.run(augmenter.apply(sampler.batch(s), globalStep), at, normaliser[s]));
                for (LoopHook h : hooks) h.afterStep(at, run);
            }
            sync.awaitParameters();   // the hooks below read the parameters and use the collective
            EpochStats stats = epochStats(epoch, totals.sum(run), run, resumed ? start.totals()[2] : 0);   // timed before validation
            collectiveSeconds.add(run.syncSeconds());
            sync.completeOptimizerState();
            for (LoopHook h : hooks) h.settle(run);
            if (validating != null) stats = validating.complete(stats);
            history.add(stats);
            boolean go = true;
            for (LoopHook h : hooks) go = h.afterEpoch(stats, run, go);
            if (!go) break;
        }
        return history;
    }

    /** The side duties in the order they run: layer state is averaged before rank 0 reports the epoch's parameters. */
    private List<LoopHook> hooks(TrainingPlan plan, GradientSync sync, GlobalTotals totals) {
        List<LoopHook> hooks = new ArrayList<>();
        LayerState layerState = new LayerState(net.layout());
        if (plan.sync().mode() == SyncMode.ALLREDUCE && !layerState.isEmpty()) hooks.add(new LayerStateAveraging(layerState, net, collective));
        hooks.add(new ProgressReport(reporter, net, optimizer, collective.size(), plan.stopOnRequest()));
        if (plan.checkpointEverySteps() > 0) {
            hooks.add(new MidEpochCheckpoints(plan.checkpointEverySteps(), reporter, totals, sync, net, optimizer));
        }
        if (plan.stopOnRequest()) hooks.add(new EarlyStopVote(collective));
        hooks.addAll(extraHooks);
        return hooks;
    }

    /** {@code global}: the epoch's figures over all ranks; {@code carriedRows} were trained before a resume. */
    private EpochStats epochStats(int epoch, double[] global, EpochRun run, double carriedRows) {
        double n = global[2], seconds = run.seconds();
        return new EpochStats(epoch, global[0] / n, loss.classification() ? global[1] / n : Double.NaN, Double.NaN, Double.NaN,
                (n - carriedRows) / seconds, seconds, optimizer.learningRate());
    }

    /**
     * Per epoch, the seconds this rank spent inside the collective: sending, reducing and waiting for peers.
     * In-JVM ranks whose Adam averages the gradients in its own pass spend that averaging in the update instead.
     */
    public List<Double> collectiveSeconds() {
        return List.copyOf(collectiveSeconds);
    }
}
