package io.spindle.driver.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.NativeRuntime;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Augmentation;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.BatchAugmenter;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.Shard;
import io.spindle.worker.SharedParameters;
import io.spindle.worker.StartPoint;
import io.spindle.worker.StepReporter;
import io.spindle.worker.TrainingPlan;
import io.spindle.worker.WorkerLoop;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.ExecutorGroups;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The executor side of a training job: one task per worker in a Spark barrier stage. Each task
 * builds the model, forms the collective with its peers (addresses exchanged through
 * {@code allGather}), takes rank 0's initial parameters and runs the step loop on its shard, validating each epoch on
 * its part of the validation rows.
 * Rank 0 streams progress to the driver and returns the final parameters.
 * It carries one {@link StageSpec}: the configs travel as JSON, the plan as a typed record.
 */
final class BarrierTrainingTask extends AbstractFunction1<Iterator<WorkerPart>, Iterator<WorkerResult>> implements Serializable {
    private static final long serialVersionUID = 2L;

    private final StageSpec spec;

    BarrierTrainingTask(StageSpec spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<WorkerResult> apply(Iterator<WorkerPart> partition) {
        NativeRuntime.configure();   // a fresh executor JVM has not loaded ND4J yet
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        WorkerPart part = partition.next();
        Shard shard = part.train();
        ObjectMapper json = new ObjectMapper();
        ModelConfig model;
        OptimizerConfig optimizerConfig;
        Augmentation augmentation;
        try {
            model = ModelConfig.fromJson(new ConfigNode(json.readTree(spec.modelJson()), "model"));
            optimizerConfig = OptimizerConfig.fromJson(new ConfigNode(json.readTree(spec.optimizerJson()), "optimizer"));
            augmentation = Augmentation.fromJson(new ConfigNode(json.readTree(spec.augmentJson()), "data.augment"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Ranks on one host reduce over loopback: an overlapping communication thread would only take CPU from the
        // training threads beside it (bench/RESULTS.md, "what overlap costs on two cores"). The same bits either way,
        // and the same answer on every rank.
        boolean oneHost = ExecutorGroups.oneHost(Arrays.stream(ctx.getTaskInfos()).map(BarrierTaskInfo::address).toArray(String[]::new));
        TrainingPlan plan = oneHost ? spec.plan().withSync(spec.plan().sync().serial()) : spec.plan();
        ResumeState resume = spec.resume();
        // Other ranks' initial values are overwritten by rank 0's broadcast; only rank 0's seed matters.
        long rankSeed = rank == 0 ? plan.seed() : plan.seed() + 7919L * rank;
        Network initial = Network.initialized(model, rankSeed, DataType.FLOAT);
        Optimizer optimizer = optimizerConfig.create(initial.layout(), DataType.FLOAT);
        if (resume != null) {
            // Every rank starts from the checkpoint itself: no broadcast needed, and optimizer state is restored too.
            initial.params().assign(Nd4j.createFromArray(resume.params));
            if (resume.optimizerState.length > 0) optimizer.restore(Nd4j.createFromArray(resume.optimizerState), resume.iteration);
            else optimizer.restore(optimizer.state(), resume.iteration);
        }
        try (Collective collective = CollectiveFormation.open(ctx, spec);
             MetricsClient metrics = rank == 0 ? MetricsClient.open(spec.metricsAddress(), spec.collective().secret(),
                     (int) spec.collective().timeoutMillis(), plan.stopOnRequest(), spec.attempt()) : null) {
            // Threads of one JVM train one parameter buffer where they can (rank 0's values: its own or the checkpoint's).
            Network net = SharedParameters.adopt(initial, rankSeed, optimizer, plan, collective);
            WorkerLoop loop = new WorkerLoop(net, Loss.fromJsonText(spec.lossJson()), optimizer, collective,
                    metrics == null ? StepReporter.NONE : metrics);
            InjectedFailure failure = InjectedFailure.forRank(rank, spec.attempt(), shard.spool());
            if (failure != null) loop = loop.withHook(failure);
            if (part.validation() != null) loop = loop.withValidation(part.validation());
            // Every rank draws its own images' changes (and the draws repeat after a resume).
            if (!augmentation.isNone()) loop = loop.withAugmenter(new BatchAugmenter(augmentation, model.inputShape(), plan.seed() + 1_000_003L * rank));
            if (resume == null) loop.synchronizeParameters();
            List<EpochStats> history;
            try {
                history = loop.run(shard.toRows(), plan, resume == null ? StartPoint.BEGINNING : resume.start());
            } catch (RuntimeException e) {
                // The peers would otherwise only see this rank's sockets close, and their error could reach the driver first.
                collective.abandon("rank " + rank + " failed: " + e);
                throw e;
            }
            List<Double> sync = loop.collectiveSeconds();
            double syncSeconds = 0, seconds = 0;
            for (int e = 0; e < history.size(); e++) {
                syncSeconds += sync.get(e);
                seconds += history.get(e).seconds();
            }
            double share = seconds == 0 ? 0 : syncSeconds / seconds;
            if (rank != 0) return scala.collection.Iterator$.MODULE$.single(WorkerResult.collectiveShareOnly(share));
            double[][] figures = new double[history.size()][];
            for (int e = 0; e < figures.length; e++) {
                EpochStats s = history.get(e);
                figures[e] = new double[] {s.trainLoss(), s.trainAccuracy(), s.samplesPerSecond(), s.seconds(), s.learningRate(), sync.get(e),
                        s.validationLoss(), s.validationAccuracy()};
            }
            WorkerResult result = new WorkerResult(net.params().toFloatVector(), optimizer.state().toFloatVector(),
                    optimizer.iteration(), figures, resume == null ? 1 : resume.epoch, share, collective.toString());
            return scala.collection.Iterator$.MODULE$.single(result);
        }
    }
}
