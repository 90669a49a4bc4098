package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.io.Provenance;
import io.spindle.core.model.Network;
import io.spindle.driver.spark.DistributedEvaluator;
import io.spindle.driver.spark.DistributedTrainer;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.History;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.run.ProgressBar;
import io.spindle.driver.run.RunWriter;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.driver.run.Storage;
import io.spindle.core.io.Checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code train JOB.json [--set key=value ...] [--out DIR]}: validate, load, train, evaluate, write the run directory;
 * {@code train --resume RUN_DIR}: continue that run from its newest good checkpoint with its saved job.json.
 */
final class TrainCommand {
    static final String USAGE = "train JOB.json [--set key=value ...] [--out DIR] [--master SPARK_MASTER]\n"
            + "  train --resume RUN_DIR [--set key=value ...] [--master SPARK_MASTER]";

    private final Storage storage;
    private final PrintStream out;

    TrainCommand(Storage storage, PrintStream out) {
        this.storage = storage;
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("train", argv, 1, List.of("set", "out", "master", "resume"), List.of());
        String resumeDir = args.option("resume");
        JobConfig job;
        if (resumeDir != null) {
            if (!args.positional.isEmpty() || args.option("out") != null) {
                throw new ConfigException("train --resume", "takes the run directory only (its job.json is the job): " + USAGE);
            }
            job = readJob(Storage.join(resumeDir, "job.json"), args.all("set")).withOutputDir(resumeDir);
        } else {
            if (args.positional.size() != 1) throw new ConfigException("train", "expects one job file: " + USAGE);
            job = readJob(args.positional.get(0), args.all("set"));
            if (args.option("out") != null) job = job.withOutputDir(args.option("out"));
        }
        NativeLibraryCheck.require();
        CheckpointStore store = new CheckpointStore(storage, job.outputDir(), job.checkpoint().keep());
        Checkpoint resumeFrom = null;
        if (resumeDir != null) {
            CheckpointStore.Found found = store.latestGood(out::println);
            if (found == null) throw new ConfigException("train --resume " + resumeDir, "has no intact checkpoint in " + store.dir() + " to resume from");
            resumeFrom = found.checkpoint();
            out.printf(Locale.ROOT, "resuming from %s (epoch %d, step %d, global step %d)%n", found.path(),
                    resumeFrom.epoch(), resumeFrom.step(), resumeFrom.globalStep());
        }
        DataLoader loader = new DataLoader(storage);
        loader.checkExists(job.data());

        long start = System.nanoTime();
        Dataset train = loader.train(job.data());
        Dataset test = loader.test(job.data());
        checkDataFitsModel(job, train, "data.train");
        if (test != null) checkDataFitsModel(job, test, "data.test");

        int workers = job.distributed().workers();
        out.printf(Locale.ROOT, "spindle: %s — %,d parameters, %,d training rows%s, %d worker(s) × batch %d, %d epoch(s), output %s%n",
                job.name(), Network.parameterCount(job.model()), train.size(),
                test == null ? "" : String.format(Locale.ROOT, ", %,d test rows", test.size()),
                workers, job.training().batchSize() / workers, job.training().epochs(), job.outputDir());
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate("spindle " + job.name(), args.option("master"), workers);
        try {
            return trainOnSpark(spark, job, train, test, start, store, resumeFrom);
        } finally {
            // spark-shell and Zeppelin own their session; a session we started ends with the command.
            if (ownSession) spark.stop();
        }
    }

    private int trainOnSpark(SparkSession spark, JobConfig job, Dataset train, Dataset test, long start,
                             CheckpointStore store, Checkpoint resumeFrom) throws IOException {
        int workers = job.distributed().workers();
        RunWriter run = new RunWriter(storage, job.outputDir());
        // Written first: train --resume needs the job of a run that never finished.
        run.writeJob(job);
        DistributedTrainer.Outcome outcome = new DistributedTrainer(spark).withCheckpoints(store, resumeFrom, out::println)
                .trainFromSource(job, train, test, new ProgressBar(out, out == System.out && System.console() != null));
        History history = outcome.history();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Evaluation eval = test == null ? null
                : DistributedEvaluator.evaluate(sc, job.model(), job.loss(), outcome.params(), test, workers);
        double seconds = (System.nanoTime() - start) / 1e9;

        Provenance provenance = new Provenance(Sequential.VERSION, job.training().seed(), workers, train.fingerprint(),
                Instant.now().toString(), outcome.iteration(), history.epochs().size());
        SavedModel saved = new SavedModel(job.model(), job.loss().name(), job.optimizer().toJson(),
                flat(outcome.params()), flat(outcome.optimizerState()), outcome.iteration(), provenance);
        run.writeModel(saved);
        run.writeHistory(history);
        run.writeSummary(job, history, eval, saved, workers, outcome.collectiveShare(), seconds, outcome.attempts(), outcome.stepsRedone());
        if (outcome.attempts() > 1) {
            out.printf(Locale.ROOT, "recovered: %d attempts, %,d steps redone; checkpoints in %s%n",
                    outcome.attempts(), outcome.stepsRedone(), store.dir());
        }
        if (eval != null) {
            out.printf(Locale.ROOT, "test: loss %.4f%s  (%,d rows)%n", eval.loss(),
                    eval.confusion() != null ? String.format(Locale.ROOT, "  accuracy %.4f", eval.accuracy())
                            : String.format(Locale.ROOT, "  mse %.5f  r2 %.4f", eval.regression().mse(), eval.regression().r2()),
                    eval.samples());
        }
        out.printf(Locale.ROOT, "trained %,.0f samples/s (%.0f%% of step time in the all-reduce); run directory %s (%.1f s)%n",
                history.samplesPerSecond(), 100 * outcome.collectiveShare(), job.outputDir(), seconds);
        return 0;
    }

    /** A rank-1 float array; ND4J cannot wrap an empty Java array, so that case is made explicitly. */
    private static org.nd4j.linalg.api.ndarray.INDArray flat(float[] values) {
        return values.length == 0 ? Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, new long[] {0}, 'c')
                : Nd4j.createFromArray(values);
    }

    JobConfig readJob(String path, List<String> overrides) throws IOException {
        String text;
        try (InputStream in = storage.open(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return JobConfig.parse(text, path, overrides);
    }

    /** Catches a model/data mismatch before training, naming both sides. */
    static void checkDataFitsModel(JobConfig job, Dataset data, String field) {
        InputFit.inputFits(job.model().inputShape(), data, "model.input_shape", field);
        long outputs = job.model().outputShape()[0];
        if (job.loss().classification() && data.numClasses() > outputs) {
            throw new ConfigException("model.layers[" + (job.model().layers().size() - 1) + "]", outputs + " outputs",
                    field + " has " + data.numClasses() + " classes, so the last layer needs at least that many units");
        }
    }
}
