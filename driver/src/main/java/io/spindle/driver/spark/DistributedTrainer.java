package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.data.RowSelection;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.CsvSplits;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.run.Storage;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingListener;
import io.spindle.core.io.Checkpoint;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.worker.Shard;
import io.spindle.worker.SyncMode;
import io.spindle.worker.SyncPlan;
import io.spindle.worker.TrainingPlan;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.CoordinatorServer;
import io.spindle.worker.collective.Transport;
import io.spindle.worker.collective.WireFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag$;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;

/**
 * The coordinator on the driver (DESIGN.md "Coordinator"): shards and caches the rows, launches
 * one barrier stage in which every worker trains, turns rank 0's progress into the listener's
 * events (each epoch validated by the workers, on their parts of the validation rows), decides early stopping, writes checkpoints, resumes a
 * failed stage from the newest good one (up to {@code checkpoint.max_attempts}), and returns the final state.
 */
public final class DistributedTrainer {
    private final SparkSession spark;
    private final CheckpointStore checkpoints;
    private final Checkpoint resumeFrom;
    private final Consumer<String> log;
    private final BeforeTraining beforeTraining;
    private final Consumer<String> progressAddress;

    /** Runs once every check has passed, just before the first attempt (e.g. writes the run's job.json). */
    @FunctionalInterface
    public interface BeforeTraining {
        void run() throws IOException;
    }

    /**
     * The final parameters and optimizer state, the per-epoch history, the share of step time in the
     * collective (rank 0's, over the run and per epoch of the last attempt; and each rank's over the last
     * attempt, which shows a slower rank: the others wait for it), how many barrier-stage attempts ran and how
     * many steps were run again after failures, how the workers were connected, and each attempt's worker count (a
     * run shrinks when lost executors are not replaced).
     */
    public record Outcome(float[] params, float[] optimizerState, long iteration, History history, double collectiveShare,
                          double[] epochCollectiveShares, double[] rankCollectiveShares, int attempts, long stepsRedone,
                          String collective, int[] workersByAttempt) {
        /** The workers of the attempt that finished. */
        public int workers() {
            return workersByAttempt[workersByAttempt.length - 1];
        }
    }

    public DistributedTrainer(SparkSession spark) {
        this(spark, null, null, line -> { }, () -> { }, address -> { });
    }

    private DistributedTrainer(SparkSession spark, CheckpointStore checkpoints, Checkpoint resumeFrom, Consumer<String> log,
                               BeforeTraining beforeTraining, Consumer<String> progressAddress) {
        this.spark = spark;
        this.checkpoints = checkpoints;
        this.resumeFrom = resumeFrom;
        this.log = log;
        this.beforeTraining = beforeTraining;
        this.progressAddress = progressAddress;
    }

    /**
     * A trainer that writes checkpoints to {@code store}, resumes failed attempts from them (up to
     * {@code checkpoint.max_attempts}), starts from {@code resumeFrom} when not null, and tells {@code log} about failures.
     */
    public DistributedTrainer withCheckpoints(CheckpointStore store, Checkpoint resumeFrom, Consumer<String> log) {
        return new DistributedTrainer(spark, store, resumeFrom, log, beforeTraining, progressAddress);
    }

    /** A trainer that runs {@code action} once the job, its resume point and its memory have passed every check. */
    public DistributedTrainer beforeTraining(BeforeTraining action) {
        return new DistributedTrainer(spark, checkpoints, resumeFrom, log, action, progressAddress);
    }

    /** A trainer that tells {@code sink} each attempt's progress-channel address (host:port) as soon as it listens. */
    DistributedTrainer observingProgressChannel(Consumer<String> sink) {
        return new DistributedTrainer(spark, checkpoints, resumeFrom, log, beforeTraining, sink);
    }

    /**
     * A run's shards for a worker count and virtual shard count: exactly {@code count} partitions of one shard each,
     * laid out as {@link ShardPlanner} does (a run may shrink; few rows use fewer virtual shards), given where they are
     * to be kept (a source may write its spool files itself).
     */
    @FunctionalInterface
    public interface ShardsFor {
        JavaRDD<Shard> workers(int count, int virtualShards, ShardCache cache) throws IOException;
    }

    /** Trains on rows already in driver memory (the API, tests): the shards are shipped to the executors. */
    public Outcome train(JobConfig job, Dataset train, Dataset validation, TrainingListener listener) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ValueCodec codec = ShardCodecs.forRowsInMemory(job.data(), (int) train.features().size(1));
        return train(job, (n, v, cache) -> sc.parallelize(ShardPlanner.split(train, n, v, codec), n), train.size(), train.fingerprint(),
                HeldOutRows.of(validation), listener);
    }

    /**
     * Trains on the {@code selected} rows of the job's CSV file, of which each executor reads only the splits that hold its
     * rows; the driver knows {@code splits} (row counts, layout and classes from one checking pass) and reads no rows.
     */
    public Outcome trainFromCsv(JobConfig job, CsvSplits splits, RowSelection selected, String fingerprint, HeldOutRows validation,
                                TrainingListener listener) throws IOException {
        return trainFromSource(job, new CsvShardReader(splits, selected), selected, splits.layout().width(), fingerprint, validation, listener);
    }

    /**
     * Trains on the {@code selected} records of the job's IDX training pair, of which each executor reads only the records
     * of its virtual shards; the driver knows {@code header} (row count and image shape) and reads no rows. Labels are
     * checked by the workers.
     */
    public Outcome trainFromIdx(JobConfig job, IdxRecords.Header header, RowSelection selected, String fingerprint, HeldOutRows validation,
                                TrainingListener listener) throws IOException {
        Storage storage = Storage.withDefaults();
        int classes = job.loss().classification() ? (int) job.model().outputShape()[0] : 0;
        IdxShardReader idx = new IdxShardReader(storage.qualify(job.data().train()), storage.qualify(job.data().trainLabels()),
                selected, header.sampleShape(), classes);
        return trainFromSource(job, idx, selected, (int) header.pixels(), fingerprint, validation, listener);
    }

    /** Each worker reads its own {@code selected} rows, {@code width} values each, through {@code part}. */
    private Outcome trainFromSource(JobConfig job, SourcePart part, RowSelection selected, int width, String fingerprint,
                                    HeldOutRows validation, TrainingListener listener) throws IOException {
        if (selected.rows() > Integer.MAX_VALUE) throw new ConfigException("data.train", selected.rows() + " rows", "at most " + Integer.MAX_VALUE);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ValueCodec codec = ShardCodecs.forSource(job.data(), width);
        return train(job, (n, v, cache) -> sc.parallelize(java.util.stream.IntStream.range(0, n).boxed().toList(), n)
                .map(new ShardSource(job.data().train(), part, codec, n, v, cache)), (int) selected.rows(), fingerprint, validation, listener);
    }

    /**
     * Trains on a DataFrame of checked (features {@code f}, label {@code y}, optional weight {@code w}) rows, {@code rows}
     * in all: ranked by a seeded hash of their content and dealt to the workers by virtual shard, each of which stores
     * its own as they stream in (in memory or its spool file); {@code validation} (may be null; a DataFrame's rows are dealt by
     * the executors and never reach the driver) is evaluated by the workers after every epoch.
     */
    public Outcome trainFrame(JobConfig job, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame, long rows, String fingerprint,
                              HeldOutRows validation, TrainingListener listener) throws IOException {
        if (rows > Integer.MAX_VALUE) throw new ConfigException("data.train", rows + " rows", "at most " + Integer.MAX_VALUE);
        long[] shape = job.model().inputShape();
        int classes = job.loss().classification() ? (int) job.model().outputShape()[0] : 0;
        ValueCodec codec = ShardCodecs.forSource(job.data(), (int) io.spindle.core.nn.Buffers.product(shape));
        long seed = job.training().seed();
        return train(job, (n, v, cache) -> DataFrameShards.pack(frame, rows, n, v, seed, shape, classes, codec, cache.disk() ? cache : null),
                (int) rows, fingerprint, validation, listener);
    }

    /** {@code dataFingerprint} goes into the checkpoints' provenance. */
    private Outcome train(JobConfig job, ShardsFor shardsFor, int rows, String dataFingerprint, HeldOutRows validation,
                          TrainingListener listener) throws IOException {
        TrainingPlan plan = plan(job, rows);
        warnIfNoExecutorIsShared(job);
        Checkpoint from = resumeFrom;
        if (from != null) ResumeCheck.compatible(from, job, plan);
        KeptShards kept = keep(shardsFor, job, plan, rows, validation);
        StageProgress progress = new StageProgress(job, listener,
                checkpoints == null ? null : new CheckpointWriter(checkpoints, job, dataFingerprint), log);
        int maxAttempts = checkpoints == null ? 1 : job.checkpoint().maxAttempts();
        long redone = 0;
        List<Integer> workersByAttempt = new java.util.ArrayList<>();
        try {
            if (checkpoints != null) {
                checkpoints.removeTempFiles();
                checkpoints.discardAfter(from == null ? -1 : from.globalStep());
            }
            beforeTraining.run();
            for (int attempt = 1; ; attempt++) {
                progress.startAttempt(from);
                workersByAttempt.add(job.distributed().workers());
                try {
                    List<WorkerResult> ranks = runAttempt(job, plan, kept.parts(), progress, attempt, from);
                    if (!kept.cache().disk()) log.accept("rows cached in executor memory: " + MemoryEstimate.mib(cachedBytes(kept.rdd())));
                    if (checkpoints != null) progress.requireCheckpointAt(ranks.get(0).iteration);
                    return outcome(ranks, progress, attempt, redone, workersByAttempt);
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    // A failed stage surfaces as Spark's checked SparkException; keep it as the cause for the message.
                    RuntimeException failure = AttemptFailure.explain(e instanceof RuntimeException r ? r
                            : new IllegalStateException("training attempt " + attempt + " failed", e), checkpoints, log);
                    if (attempt >= maxAttempts || !AttemptFailure.retryable(failure)) throw failure;
                    CheckpointStore.Found found = checkpoints.latestGood(log);
                    from = found == null ? null : found.checkpoint();
                    JobConfig next = shrinkIfLost(job, plan, failure);
                    if (next != job) {
                        job = next;
                        plan = plan(job, rows);
                        kept.release(spark, job.distributed().workers());
                        kept = keep(shardsFor, job, plan, rows, validation);
                    }
                    if (from != null) ResumeCheck.compatible(from, job, plan);
                    checkpoints.discardAfter(from == null ? -1 : from.globalStep());
                    long resumeAt = from == null ? 0 : from.globalStep();
                    redone += Math.max(0, progress.furthestStep() - resumeAt);
                    log.accept(String.format(java.util.Locale.ROOT, "attempt %d of %d failed at global step %d: %s%n  resuming %s",
                            attempt, maxAttempts, progress.furthestStep(), AttemptFailure.summary(failure),
                            found == null ? "from the beginning (no checkpoint yet)"
                                    : "from " + found.path() + " (epoch " + from.epoch() + ", step " + from.step() + ", global step " + resumeAt + ")"));
                }
            }
        } finally {
            kept.release(spark, job.distributed().workers());
        }
    }

    /** What every worker runs for {@code job}, once its slots and memory are checked; steps per epoch do not depend on the workers. */
    private TrainingPlan plan(JobConfig job, int rows) {
        int workers = job.distributed().workers();
        checkLocalSlots(spark.sparkContext().master(), workers);
        int localBatch = job.training().batchSize() / workers;
        SyncPlan sync = new SyncPlan(SyncMode.parse(job.distributed().sync()), job.distributed().averagingFrequency(),
                job.distributed().bucketBytes(), job.distributed().overlap());
        TrainingPlan plan = new TrainingPlan(job.training().epochs(), localBatch, GlobalSteps.perEpoch(job, rows), job.training().seed(),
                job.training().shuffle(), sync, job.training().earlyStopping() != null, checkpoints == null ? 0 : job.checkpoint().everySteps(),
                rows, GlobalSteps.shards(job, rows), job.training().shuffleBlock());
        return plan;
    }

    /** A run's shards as they are kept, and where, with the workers' parts of the validation rows (null: none). */
    private record KeptShards(JavaRDD<Shard> rdd, ShardCache cache, JavaRDD<Shard> validation) {
        /** What each barrier task gets: its shard, and its validation part from the partition of the same index. */
        JavaRDD<WorkerPart> parts() {
            if (validation == null) return rdd.map(shard -> new WorkerPart(shard, null));
            return rdd.zipPartitions(validation, (train, held) -> List.of(new WorkerPart(train.next(), held.next())).iterator());
        }

        void release(SparkSession spark, int workers) {
            rdd.unpersist(false);
            if (validation != null) validation.unpersist(false);
            cache.removeSpools(JavaSparkContext.fromSparkContext(spark.sparkContext()), workers);
        }
    }

    /**
     * One shard per partition, kept serialized in executor memory or spooled to its local disk ({@link ShardCache}): a
     * resumed attempt does not re-read the source. The executors' memory is checked first. The validation rows (may be
     * null) are cut once into one contiguous part per worker and kept beside them, for the workers' per-epoch validation.
     */
    private KeptShards keep(ShardsFor shards, JobConfig job, TrainingPlan plan, int rows, HeldOutRows validation) throws IOException {
        int workers = job.distributed().workers();
        ShardCache cache = ShardCache.choose(job, rows, spark.sparkContext().getConf());
        MemoryEstimate memory = MemoryEstimate.of(job, rows, cache.disk());
        log.accept(memory.describe(plan.localBatch()) + "; " + cache.describe());
        ExecutorMemory.check(memory, spark.sparkContext().getConf(), workers);
        JavaRDD<Shard> held = validation == null ? null
                : validation.parts(JavaSparkContext.fromSparkContext(spark.sparkContext()), workers).persist(StorageLevel.MEMORY_ONLY_SER());
        return new KeptShards(cache.keep(shards.workers(workers, plan.virtualShards(), cache)), cache, held);
    }

    /** The job on the slots that remain when lost executors are not replaced in time ({@link WorkerShrink}). */
    private JobConfig shrinkIfLost(JobConfig job, TrainingPlan plan, RuntimeException failure) {
        try {
            return WorkerShrink.afterFailure(job, plan.virtualShards(), spark.sparkContext(), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /** One barrier stage: every worker trains from {@code from} (or the start) to the end; returns every rank's result, rank 0 first. */
    private List<WorkerResult> runAttempt(JobConfig job, TrainingPlan plan, JavaRDD<WorkerPart> rdd, StageProgress progress, int attempt,
                                    Checkpoint from) throws Exception {
        int workers = job.distributed().workers();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // A fresh secret per attempt: stragglers of a failed attempt cannot join the next one.
        byte[] secret = CollectiveOptions.newSecret();
        String driverHost = spark.sparkContext().getConf().get("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
        // Rank 0 reaches the driver where Spark's executors do; nothing else needs the port.
        InetAddress bind = InetAddress.getByName(spark.sparkContext().getConf().get("spark.driver.bindAddress", driverHost));
        int timeoutMillis = job.distributed().timeoutSeconds() * 1000;
        Transport transport = Transport.parse(job.distributed().transportFor(spark.sparkContext().master()));
        CollectiveOptions options = CollectiveOptions.defaults(secret).withTimeoutMillis(timeoutMillis)
                .withWireFormat(WireFormat.valueOf(job.distributed().wireDtype().toUpperCase()));
        CoordinatorServer averaging = null;
        String jobGroup = "spindle-" + java.util.HexFormat.of().formatHex(secret, 0, 8);
        // Spark would rerun a failed barrier stage from scratch; resuming belongs to the coordinator (from a
        // checkpoint), so the first failed stage attempt ends this attempt with its own error.
        StageFailureCanceller canceller = new StageFailureCanceller(sc, jobGroup);
        spark.sparkContext().addSparkListener(canceller);
        try (MetricsServer metrics = new MetricsServer(bind, driverHost, secret, progress, plan.stopOnRequest(), timeoutMillis + 60_000,
                () -> sc.cancelJobGroup(jobGroup))) {
            progressAddress.accept(metrics.address());
            String coordinatorAddress = "";
            if (transport == Transport.COORDINATOR) {
                averaging = CoordinatorServer.start(workers, InetAddress.getByName("0.0.0.0"), options);
                coordinatorAddress = driverHost + averaging.address().substring(averaging.address().lastIndexOf(':'));
            }
            BarrierTrainingTask task = new BarrierTrainingTask(new StageSpec(job.model().toJson().toString(), job.loss().toJson().toString(),
                    job.optimizer().toJson().toString(), plan, transport, options, metrics.address(), coordinatorAddress, attempt,
                    from == null ? null : new ResumeState(from), job.data().augment().toJson().toString()));
            sc.setJobGroup(jobGroup, "spindle: " + job.name() + " — training, one barrier stage of " + workers + " workers × "
                    + plan.epochs() + " epochs (attempt " + attempt + ")", true);
            List<WorkerResult> results;
            try {
                results = rdd.rdd().barrier()
                        .mapPartitions(task, false, ClassTag$.MODULE$.apply(WorkerResult.class))
                        .toJavaRDD().collect();
            } catch (Exception e) {
                // Spark's SparkException is checked but undeclared. Rank 0's last messages (a checkpoint) may still be in flight: handle them before choosing where to resume.
                try {
                    metrics.awaitFinished(10_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                // When the driver's side failed first (e.g. validation, a checkpoint write), that is the error to report.
                if (metrics.failure() != null) throw new AttemptFailure.CoordinatorFailed(metrics.failure());
                throw e;
            } finally {
                sc.clearJobGroup();
            }
            try {
                metrics.awaitFinished(timeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (metrics.failure() != null) throw new AttemptFailure.CoordinatorFailed(metrics.failure());
            String problem = metrics.problem();
            if (problem != null) {
                throw new AttemptFailure.IncompleteProgress("rank 0's progress channel to the driver failed: " + problem
                        + "; no checkpoint or validation was done after global step " + progress.furthestStep());
            }
            return results;   // in rank order: a barrier task's partition is its rank
        } finally {
            spark.sparkContext().removeSparkListener(canceller);
            if (averaging != null) averaging.close();
        }
    }

    /** What Spark's block managers hold of {@code rdd} in memory (the shards as cached, serialized). */
    private long cachedBytes(JavaRDD<Shard> rdd) {
        long bytes = 0;
        for (org.apache.spark.storage.RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            if (info.id() == rdd.id()) bytes += info.memSize();
        }
        return bytes;
    }

    private static Outcome outcome(List<WorkerResult> ranks, StageProgress progress, int attempts, long redone, List<Integer> workersByAttempt) {
        WorkerResult rank0 = ranks.get(0);
        History history = progress.history(rank0);
        float[] params = progress.paramsToRestore() != null
                ? progress.paramsToRestore().toFloatVector() : rank0.params;
        double[] perEpoch = new double[rank0.epochs.length];
        for (int e = 0; e < perEpoch.length; e++) {
            double[] f = rank0.epochs[e];
            perEpoch[e] = f[3] == 0 ? 0 : f[5] / f[3];
        }
        double[] byRank = ranks.stream().mapToDouble(r -> r.collectiveShare).toArray();
        return new Outcome(params, rank0.optimizerState, rank0.iteration, history, rank0.collectiveShare, perEpoch, byRank,
                attempts, redone, rank0.collective, workersByAttempt.stream().mapToInt(Integer::intValue).toArray());
    }

    /** An explicit hierarchical transport gains nothing where each executor has one task slot: say so once. */
    private void warnIfNoExecutorIsShared(JobConfig job) {
        org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
        if (!job.distributed().transport().equals("hierarchical") || !conf.contains("spark.executor.cores")) return;
        int slots = conf.getInt("spark.executor.cores", 1) / conf.getInt("spark.task.cpus", 1);
        if (slots < 2) {
            log.accept("training.transport is hierarchical, but every executor has one task slot (spark.executor.cores / spark.task.cpus = "
                    + slots + "): the workers form the flat ring");
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
}
