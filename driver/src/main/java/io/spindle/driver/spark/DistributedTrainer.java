package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.model.Network;
import io.spindle.core.train.EarlyStoppingMonitor;
import io.spindle.core.train.EpochStats;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingListener;
import io.spindle.driver.job.JobConfig;
import io.spindle.worker.Shard;
import io.spindle.worker.TrainingPlan;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.CoordinatorServer;
import io.spindle.worker.collective.WireFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator on the driver (DESIGN.md "Coordinator"): shards and caches the rows, launches
 * one barrier stage in which every worker trains, turns rank 0's progress into the listener's
 * events, validates each epoch on the driver, decides early stopping, and returns the final state.
 */
public final class DistributedTrainer {
    private final SparkSession spark;

    /** The final parameters and optimizer state, and the per-epoch history. */
    public record Outcome(float[] params, float[] optimizerState, long iteration, History history, double collectiveShare) {
    }

    public DistributedTrainer(SparkSession spark) {
        this.spark = spark;
    }

    /** Trains on rows already in driver memory (the API, tests): the shards are shipped to the executors. */
    public Outcome train(JobConfig job, Dataset train, Dataset validation, TrainingListener listener) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Shard> shards = ShardPlanner.split(train, job.distributed().workers(), job.training().seed(), job.training().shuffle());
        return train(job, sc.parallelize(shards, job.distributed().workers()), train.size(), validation, listener);
    }

    /**
     * Trains on the job's training source, read by the executors themselves (each keeps its shard);
     * {@code train} is the driver's copy, used only for its size.
     */
    public Outcome trainFromSource(JobConfig job, Dataset train, Dataset validation, TrainingListener listener) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int workers = job.distributed().workers();
        List<Integer> ranks = java.util.stream.IntStream.range(0, workers).boxed().toList();
        JavaRDD<Shard> shards = sc.parallelize(ranks, workers)
                .map(new ShardSource(job.data(), workers, job.training().seed(), job.training().shuffle()));
        return train(job, shards, train.size(), validation, listener);
    }

    /**
     * Trains on shards the caller packed itself (the Spark ML Estimator packs a DataFrame): exactly
     * {@code job.distributed().workers()} partitions of one shard each, {@code rows} rows in all;
     * {@code validation} (may be null) is evaluated on the driver after every epoch.
     */
    public Outcome trainShards(JobConfig job, JavaRDD<Shard> shards, int rows, Dataset validation, TrainingListener listener) throws IOException {
        return train(job, shards, rows, validation, listener);
    }

    private Outcome train(JobConfig job, JavaRDD<Shard> shards, int rows, Dataset validation, TrainingListener listener) throws IOException {
        int workers = job.distributed().workers();
        checkLocalSlots(spark.sparkContext().master(), workers);
        int localBatch = job.training().batchSize() / workers;
        int minRows = ShardPlanner.minShardRows(rows, workers);
        int steps = TrainingPlan.stepsFor(minRows, localBatch);
        if (steps < 1) {
            throw new ConfigException("training.batch_size", job.training().batchSize(), "at most " + minRows * workers
                    + ": each of the " + workers + " workers holds only " + minRows + " rows, fewer than one local batch of " + localBatch);
        }
        TrainingPlan plan = new TrainingPlan(job.training().epochs(), localBatch, steps, job.training().seed(),
                job.training().shuffle(), job.distributed().sync(), job.distributed().averagingFrequency(),
                job.training().earlyStopping() != null);

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // One shard per partition, kept serialized in executor memory: a resumed attempt does not re-read the source.
        JavaRDD<Shard> rdd = shards.persist(StorageLevel.MEMORY_ONLY_SER());
        byte[] secret = CollectiveOptions.newSecret();
        String driverHost = spark.sparkContext().getConf().get("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
        int timeoutMillis = job.distributed().timeoutSeconds() * 1000;
        Progress progress = new Progress(job, validation, listener);
        String transport = job.distributed().transportFor(spark.sparkContext().master());
        CoordinatorServer averaging = null;
        String jobGroup = "spindle-" + java.util.HexFormat.of().formatHex(secret, 0, 8);
        // Spark would rerun a failed barrier stage from scratch; resuming belongs to the coordinator (from a
        // checkpoint), so the first failed attempt ends the job with its own error.
        StageFailureCanceller canceller = new StageFailureCanceller(sc, jobGroup);
        spark.sparkContext().addSparkListener(canceller);
        try (MetricsServer metrics = new MetricsServer(driverHost, secret, progress, plan.stopOnRequest(), timeoutMillis + 60_000,
                () -> sc.cancelJobGroup(jobGroup, "the coordinator failed"))) {
            String coordinatorAddress = "";
            if (transport.equals("coordinator")) {
                averaging = CoordinatorServer.start(workers, InetAddress.getByName("0.0.0.0"), CollectiveOptions.defaults(secret)
                        .withTimeoutMillis(timeoutMillis).withWireFormat(WireFormat.valueOf(job.distributed().wireDtype().toUpperCase())));
                coordinatorAddress = driverHost + averaging.address().substring(averaging.address().lastIndexOf(':'));
            }
            BarrierTrainingTask task = new BarrierTrainingTask(job.model().toJson().toString(), job.loss().name(),
                    job.optimizer().toJson().toString(), plan, transport, job.distributed().wireDtype(),
                    timeoutMillis, secret, metrics.address(), coordinatorAddress);
            sc.setJobGroup(jobGroup, "spindle " + job.name() + ": " + workers + " workers × " + plan.epochs() + " epochs", true);
            List<WorkerResult> results;
            try {
                results = rdd.rdd().barrier()
                        .mapPartitions(task, false, ClassTag$.MODULE$.apply(WorkerResult.class))
                        .toJavaRDD().collect();
            } catch (RuntimeException e) {
                // When the driver's side failed first (e.g. validation), that is the error to report.
                if (metrics.failure() != null) throw new IllegalStateException("the coordinator failed: " + metrics.failure(), metrics.failure());
                throw e;
            } finally {
                sc.clearJobGroup();
            }
            try {
                metrics.awaitFinished(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (metrics.failure() != null) throw new IllegalStateException("the coordinator failed: " + metrics.failure(), metrics.failure());
            WorkerResult rank0 = results.get(0);
            History history = progress.history(rank0);
            float[] params = progress.monitor.paramsToRestore() != null
                    ? progress.monitor.paramsToRestore().toFloatVector() : rank0.params;
            double sync = 0, total = 0;
            for (double[] f : rank0.epochs) {
                sync += f[5];
                total += f[3];
            }
            return new Outcome(params, rank0.optimizerState, rank0.iteration, history, total == 0 ? 0 : sync / total);
        } finally {
            spark.sparkContext().removeSparkListener(canceller);
            if (averaging != null) averaging.close();
            rdd.unpersist(false);
        }
    }

    /**
     * A barrier stage needs all its tasks running at once; Spark would wait (minutes) for slots local
     * mode can never have, so say it now. Clusters are checked by Spark itself.
     */
    static void checkLocalSlots(String master, int workers) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^local(?:\\[(\\*|\\d+)(?:,\\d+)?])?$").matcher(master);
        if (!m.matches()) return;
        int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        if (workers > slots) {
            throw new ConfigException("training.workers", workers, "at most " + slots + " with Spark master " + master
                    + ": every worker is a task of one barrier stage and all must run at once; use --master local[" + workers + "] or fewer workers");
        }
    }

    /** Turns rank 0's messages into listener events; validates each epoch and applies early stopping. */
    private static final class Progress implements MetricsServer.Listener {
        private final JobConfig job;
        private final Dataset validation;
        private final TrainingListener listener;
        private final EarlyStoppingMonitor monitor;
        private final List<EpochStats> epochs = new ArrayList<>();
        private int currentEpoch;

        Progress(JobConfig job, Dataset validation, TrainingListener listener) {
            this.job = job;
            this.validation = validation;
            this.listener = listener;
            this.monitor = new EarlyStoppingMonitor(job.training().earlyStopping());
        }

        @Override
        public void step(int epoch, int step, int steps, double loss, double samplesPerSecond) {
            if (epoch != currentEpoch) {
                currentEpoch = epoch;
                listener.onEpochStart(epoch, job.training().epochs(), steps);
            }
            listener.onStep(epoch, step, steps, loss, samplesPerSecond);
        }

        @Override
        public boolean epochEnd(int epoch, double[] f, float[] params, float[] optimizerState, long iteration) {
            double valLoss = Double.NaN, valAccuracy = Double.NaN;
            INDArray weights = Nd4j.createFromArray(params);
            if (validation != null) {
                Network net = Network.withParams(job.model(), weights, job.training().seed());
                Evaluation v = Evaluator.evaluate(net, job.loss(), validation, 512);
                valLoss = v.loss();
                valAccuracy = v.accuracy();
            }
            EpochStats stats = new EpochStats(epoch, f[0], f[1], valLoss, valAccuracy, f[2], f[3], f[4]);
            epochs.add(stats);
            listener.onEpochEnd(stats);
            return monitor.update(stats, () -> weights);
        }

        History history(WorkerResult rank0) {
            if (epochs.size() < rank0.epochs.length) {
                // Progress messages are best effort; the stage's own result is authoritative.
                epochs.clear();
                for (int e = 0; e < rank0.epochs.length; e++) {
                    double[] f = rank0.epochs[e];
                    epochs.add(new EpochStats(e + 1, f[0], f[1], Double.NaN, Double.NaN, f[2], f[3], f[4]));
                }
            }
            return History.of(epochs, monitor.stopped() ? monitor.bestEpoch() : -1);
        }
    }
}
