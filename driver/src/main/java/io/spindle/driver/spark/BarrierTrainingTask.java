package io.spindle.driver.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.NativeRuntime;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.EpochStats;
import io.spindle.worker.Shard;
import io.spindle.worker.SharedParameters;
import io.spindle.worker.StartPoint;
import io.spindle.worker.StepReporter;
import io.spindle.worker.TrainingPlan;
import io.spindle.worker.WorkerLoop;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.CoordinatorAllReduce;
import io.spindle.worker.collective.InJvmRendezvous;
import io.spindle.worker.collective.RingAllReduce;
import io.spindle.worker.collective.WireFormat;
import org.apache.spark.BarrierTaskContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The executor side of a training job: one task per worker in a Spark barrier stage. Each task
 * builds the model, forms the collective with its peers (addresses exchanged through
 * {@code allGather}), takes rank 0's initial parameters and runs the step loop on its shard.
 * Rank 0 streams progress to the driver and returns the final parameters.
 * Its fields are plain strings and numbers: the configs travel as JSON.
 */
final class BarrierTrainingTask extends AbstractFunction1<Iterator<Shard>, Iterator<WorkerResult>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String modelJson;
    private final String lossName;
    private final String optimizerJson;
    private final long seed;
    private final int epochs, localBatch, stepsPerEpoch, averagingFrequency, timeoutMillis, checkpointEverySteps, attempt;
    private final boolean shuffle, stopOnRequest;
    private final String sync, transport, wireDtype, metricsAddress, coordinatorAddress;
    private final byte[] secret;
    /** Null on a fresh start; else the checkpoint this attempt resumes from. */
    private final ResumeState resume;

    BarrierTrainingTask(String modelJson, String lossName, String optimizerJson, TrainingPlan plan, String transport,
                        String wireDtype, int timeoutMillis, byte[] secret, String metricsAddress, String coordinatorAddress,
                        int attempt, ResumeState resume) {
        this.modelJson = modelJson;
        this.lossName = lossName;
        this.optimizerJson = optimizerJson;
        this.seed = plan.seed();
        this.epochs = plan.epochs();
        this.localBatch = plan.localBatch();
        this.stepsPerEpoch = plan.stepsPerEpoch();
        this.shuffle = plan.shuffle();
        this.stopOnRequest = plan.stopOnRequest();
        this.sync = plan.sync();
        this.averagingFrequency = plan.averagingFrequency();
        this.transport = transport;
        this.wireDtype = wireDtype;
        this.timeoutMillis = timeoutMillis;
        this.secret = secret.clone();
        this.metricsAddress = metricsAddress;
        this.coordinatorAddress = coordinatorAddress;
        this.checkpointEverySteps = plan.checkpointEverySteps();
        this.attempt = attempt;
        this.resume = resume;
    }

    @Override
    public Iterator<WorkerResult> apply(Iterator<Shard> partition) {
        NativeRuntime.configure();   // a fresh executor JVM has not loaded ND4J yet
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        int size = ctx.getTaskInfos().length;
        Shard shard = partition.next();
        ObjectMapper json = new ObjectMapper();
        ModelConfig model;
        OptimizerConfig optimizerConfig;
        try {
            model = ModelConfig.fromJson(new ConfigNode(json.readTree(modelJson), "model"));
            optimizerConfig = OptimizerConfig.fromJson(new ConfigNode(json.readTree(optimizerJson), "optimizer"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Other ranks' initial values are overwritten by rank 0's broadcast; only rank 0's seed matters.
        long rankSeed = rank == 0 ? seed : seed + 7919L * rank;
        Network initial = Network.initialized(model, rankSeed, DataType.FLOAT);
        Optimizer optimizer = optimizerConfig.create(initial.layout(), DataType.FLOAT);
        if (resume != null) {
            // Every rank starts from the checkpoint itself: no broadcast needed, and optimizer state is restored too.
            initial.params().assign(Nd4j.createFromArray(resume.params));
            if (resume.optimizerState.length > 0) optimizer.restore(Nd4j.createFromArray(resume.optimizerState), resume.iteration);
            else optimizer.restore(optimizer.state(), resume.iteration);
        }
        TrainingPlan plan = new TrainingPlan(epochs, localBatch, stepsPerEpoch, seed, shuffle, sync, averagingFrequency,
                stopOnRequest, checkpointEverySteps);
        CollectiveOptions options = CollectiveOptions.defaults(secret).withTimeoutMillis(timeoutMillis)
                .withWireFormat(WireFormat.valueOf(wireDtype.toUpperCase()));
        try (Collective collective = InjectedFailure.wrap(openCollective(ctx, rank, size, options), attempt);
             MetricsClient metrics = rank == 0 ? MetricsClient.open(metricsAddress, secret, timeoutMillis, stopOnRequest, attempt) : null) {
            // Threads of one JVM train one parameter buffer where they can (rank 0's values: its own or the checkpoint's).
            Network net = SharedParameters.adopt(initial, rankSeed, optimizer, plan, collective);
            WorkerLoop loop = new WorkerLoop(net, Loss.parse("loss", lossName), optimizer, collective,
                    metrics == null ? StepReporter.NONE : metrics);
            if (resume == null) loop.synchronizeParameters();
            List<EpochStats> history = loop.run(shard.toDataset(), plan, resume == null ? StartPoint.BEGINNING : resume.start());
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
                figures[e] = new double[] {s.trainLoss(), s.trainAccuracy(), s.samplesPerSecond(), s.seconds(), s.learningRate(), sync.get(e)};
            }
            WorkerResult result = new WorkerResult(net.params().toFloatVector(), optimizer.state().toFloatVector(),
                    optimizer.iteration(), figures, resume == null ? 1 : resume.epoch, share);
            return scala.collection.Iterator$.MODULE$.single(result);
        }
    }

    private Collective openCollective(BarrierTaskContext ctx, int rank, int size, CollectiveOptions options) {
        if (transport.equals("coordinator")) {
            return CoordinatorAllReduce.connect(coordinatorAddress, rank, size, options);
        }
        if (transport.equals("in_jvm")) {
            // Local mode: every task is a thread of this JVM; the job's secret and the attempt name the group.
            return InJvmRendezvous.join(java.util.HexFormat.of().formatHex(secret) + "/" + ctx.stageAttemptNumber(), rank, size, options);
        }
        // Listen on the address Spark knows this executor by: the one its peers can reach.
        String host = ctx.getTaskInfos()[rank].address();
        if (host.contains(":")) host = host.substring(0, host.lastIndexOf(':'));
        RingAllReduce.Endpoint endpoint = RingAllReduce.listen(rank, resolve(host));
        // allGather returns the messages ordered by partition id, i.e. by rank.
        String[] addresses = ctx.allGather(endpoint.address());
        return RingAllReduce.connect(endpoint, Arrays.asList(addresses), options);
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
