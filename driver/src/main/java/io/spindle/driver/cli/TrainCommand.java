package io.spindle.driver.cli;

import io.spindle.core.model.Network;
import io.spindle.driver.spark.DistributedEvaluator;
import io.spindle.driver.spark.HeldOutRows;
import io.spindle.driver.spark.DistributedTrainer;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.History;
import io.spindle.core.train.TrainingDivergedException;
import io.spindle.core.nn.Buffers;
import io.spindle.driver.data.CsvSplits;
import io.spindle.driver.data.DataFrameShards;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.data.SparkRows;
import io.spindle.driver.data.WeightColumn;
import io.spindle.driver.data.ValidationSplit;
import io.spindle.core.data.RowSelection;
import io.spindle.driver.job.DataConfig;
import org.apache.spark.sql.Row;
import io.spindle.driver.job.JobConfig;
import io.spindle.driver.report.ReportWriter;
import io.spindle.driver.run.ProgressBar;
import io.spindle.driver.run.RunFigures;
import io.spindle.driver.run.RunDirectory;
import io.spindle.driver.run.RunLock;
import io.spindle.driver.run.RunWriter;
import io.spindle.driver.run.StepLog;
import io.spindle.driver.run.CheckpointStore;
import io.spindle.driver.run.Storage;
import io.spindle.driver.run.TrainedModel;
import io.spindle.core.io.Checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code train JOB.json [--set key=value ...] [--out DIR]}: validate, load, train, evaluate, write the run directory;
 * {@code train --resume RUN_DIR}: continue that run from its newest good checkpoint with its saved job.json.
 */
final class TrainCommand {
    static final String USAGE = "train JOB.json [--set key=value ...] [--out DIR] [--overwrite] [--master SPARK_MASTER] [--no-ui] [--verbose]\n"
            + "  train --resume RUN_DIR [--set key=value ...] [--master SPARK_MASTER] [--no-ui] [--verbose]";
    static final String HELP = USAGE + "\n" + String.join("\n",
            "Validates the job, loads its data, trains on Spark and writes the run directory (model, history, summary, report).",
            "  --set key=value   override a job field by its dotted path, e.g. --set training.epochs=1 --set model.layers[1].units=512",
            "  --out DIR         the run directory (default: the job's output.dir, else runs/<name>)",
            "  --overwrite       write into a non-empty directory that is not a Spindle run directory",
            "  --master URL      Spark master (default: spark-submit's, else local[training.workers])",
            "  --resume RUN_DIR  continue a stopped run from its newest intact checkpoint, with its own job.json",
            "  --no-ui           no Spark web UI (by default it is on and its address is printed once)",
            "  --verbose         Spark's INFO logs on stderr too (also SPINDLE_LOG=INFO)");

    private final Storage storage;
    private final PrintStream out;
    /** The run's step log; set when training starts. */
    private StepLog steps;

    TrainCommand(Storage storage, PrintStream out) {
        this.storage = storage;
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("train", argv, 1, List.of("set", "out", "master", "resume"), List.of("overwrite", "no-ui", "verbose"));
        String resumeDir = args.option("resume");
        JobConfig job;
        if (resumeDir != null) {
            if (!args.positional.isEmpty() || args.option("out") != null || args.flag("overwrite")) {
                throw new ConfigException("train --resume", "takes the run directory only (its job.json is the job): " + USAGE);
            }
            job = readJob(Storage.join(resumeDir, "job.json"), args.all("set")).withOutputDir(resumeDir);
        } else {
            if (args.positional.size() != 1) throw new ConfigException("train", "expects one job file: " + USAGE);
            job = readJob(args.positional.get(0), args.all("set"));
            if (args.option("out") != null) job = job.withOutputDir(args.option("out"));
        }
        NativeLibraryCheck.require();
        new RunDirectory(storage, job.outputDir()).checkUsable(resumeDir != null, args.flag("overwrite"), out::println);
        try (RunLock lock = RunLock.acquire(storage, job.outputDir(), out::println)) {
            try {
                return train(job, resumeDir, args.option("master"), !args.flag("no-ui"));
            } catch (TrainingDivergedException e) {
                // Settings that diverged are no job to resume with: a plain --resume goes on with the ones before.
                if (resumeDir == null || !new RunWriter(storage, job.outputDir()).restorePreviousJob()) throw e;
                TrainingDivergedException d = new TrainingDivergedException(e.getMessage()
                        + "; job.json is back to the job this resume started from (job.previous.json)");
                d.initCause(e);
                throw d;
            }
        }
    }

    /** The run itself, once its directory is this run's alone. */
    private int train(JobConfig job, String resumeDir, String master, boolean ui) throws IOException {
        CheckpointStore store = new CheckpointStore(storage, job.outputDir(), job.checkpoint().keep());
        Checkpoint resumeFrom = null;
        if (resumeDir != null) {
            CheckpointStore.Found found = store.latestGood(out::println);
            if (found == null) throw new ConfigException("train --resume " + resumeDir, "has no intact checkpoint in " + store.dir() + " to resume from");
            resumeFrom = found.checkpoint();
            out.printf(Locale.ROOT, "resuming from %s (epoch %d, step %d, global step %d)%n", found.path(),
                    resumeFrom.epoch(), resumeFrom.step(), resumeFrom.globalStep());
        }
        Checkpoint from = resumeFrom;
        DataLoader loader = new DataLoader(storage);
        loader.checkExists(job.data());

        long start = System.nanoTime();
        JobConfig resolved = job;
        if (job.data().viaSpark()) {
            // Parquet, JSON and LibSVM need Spark's readers, so the session comes first.
            return inSession(job, master, ui, spark -> trainOnDataFrames(spark, trainer(spark, store, resolved, from), resolved, start));
        }
        if (job.data().format().equals("idx")) return trainOnIdx(job, loader, master, ui, store, from, start);
        return inSession(job, master, ui, spark -> trainOnCsv(spark, trainer(spark, store, resolved, from), loader, resolved, start));
    }

    /**
     * A CSV file: one Spark pass checks and counts its rows in byte splits, and each worker reads only the splits that hold
     * its rows; the driver reads the first lines, for the columns. Test and validation files alike: each executor reads
     * the splits of its part.
     */
    private int trainOnCsv(SparkSession spark, DistributedTrainer trainer, DataLoader loader, JobConfig job, long start) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CsvSplits train = csvSplits(sc, loader, job, job.data().train(), "data.train");
        ValidationSplit split = ValidationSplit.of(job.data(), job.training().seed(), train.rows());
        HeldOutRows test = job.data().test() == null ? null : whole(csvSplits(sc, loader, job, job.data().test(), "data.test"));
        HeldOutRows validation = split.validation() != null ? HeldOutRows.csv(train, split.validation())
                : job.data().validation() == null ? null : whole(csvSplits(sc, loader, job, job.data().validation(), "data.validation"));
        printPlan(job, (int) Math.min(split.train().rows(), Integer.MAX_VALUE), validation, test);
        String fingerprint = split.fingerprint(train.fingerprint());
        return finish(spark, job, trainer.trainFromCsv(job, train, split.train(), fingerprint, validation, progress(job)), validation, test,
                fingerprint, start);
    }

    private static HeldOutRows whole(CsvSplits splits) {
        return HeldOutRows.csv(splits, RowSelection.all(splits.rows()));
    }

    /** The CSV file {@code uri} (named {@code field}) counted and checked by the executors, then checked against the model. */
    private CsvSplits csvSplits(JavaSparkContext sc, DataLoader loader, JobConfig job, String uri, String field) throws IOException {
        CsvSplits splits = CsvSplits.count(sc, storage, uri, loader.csvOptions(job.data(), uri, field));
        long width = splits.layout().width();
        InputFit.inputFits(job.model().inputShape(), width, new long[] {width}, job.model().inputField(), field);
        if (job.loss().classification()) checkClasses(job, splits.classes(), field);
        return splits;
    }

    /**
     * An IDX pair: the driver reads its headers only (row count and image shape), each worker the records of its virtual
     * shards. The test and validation pairs alike: the driver reads their headers and labels (to check them against the
     * model), and each worker reads the images of its part.
     */
    private int trainOnIdx(JobConfig job, DataLoader loader, String master, boolean ui, CheckpointStore store, Checkpoint from, long start)
            throws IOException {
        IdxRecords.Header header = loader.idxHeader(job.data());
        InputFit.inputFits(job.model().inputShape(), header.pixels(), header.sampleShape(), job.model().inputField(), "data.train");
        ValidationSplit split = ValidationSplit.of(job.data(), job.training().seed(), header.rows());
        HeldOutRows test = idxHeldOut(job, loader, job.data().test(), job.data().testLabels(), "data.test");
        HeldOutRows validation = split.validation() != null ? heldOutOfTrain(job, header, split.validation())
                : idxHeldOut(job, loader, job.data().validation(), job.data().validationLabels(), "data.validation");
        printPlan(job, (int) Math.min(split.train().rows(), Integer.MAX_VALUE), validation, test);
        // Provenance without reading the rows: the source, its shape and the split.
        String fingerprint = split.fingerprint(String.format(Locale.ROOT, "idx-header:%s:%dx%dx%d", job.data().train(), header.rows(),
                header.height(), header.width()));
        return inSession(job, master, ui, spark -> finish(spark, job,
                trainer(spark, store, job, from).trainFromIdx(job, header, split.train(), fingerprint, validation, progress(job)),
                validation, test, fingerprint, start));
    }

    /** The training pair's records that data.validation_split holds out (checked with the training pair: by the workers). */
    private HeldOutRows heldOutOfTrain(JobConfig job, IdxRecords.Header header, RowSelection held) throws IOException {
        int classes = job.loss().classification() ? (int) job.model().outputShape()[0] : 0;
        return HeldOutRows.idx(storage.qualify(job.data().train()), storage.qualify(job.data().trainLabels()), header, held, classes);
    }

    /** Held-out IDX rows ({@code images} null: none), checked against the model from their headers and labels alone. */
    private HeldOutRows idxHeldOut(JobConfig job, DataLoader loader, String images, String labels, String field) throws IOException {
        if (images == null) return null;
        IdxRecords.Header header = loader.idxHeader(images, labels);
        InputFit.inputFits(job.model().inputShape(), header.pixels(), header.sampleShape(), job.model().inputField(), field);
        int outputs = (int) job.model().outputShape()[0];
        int classes = job.loss().classification() ? outputs : 0;
        if (classes > 0) checkClasses(job, loader.idxClasses(images, labels), field);
        return HeldOutRows.idx(storage.qualify(images), storage.qualify(DataLoader.labelsOf(images, labels)), header, classes);
    }

    /**
     * The coordinator with this run's checkpoints: it writes them, resumes failed attempts from them, and starts at {@code from}.
     * Once every check has passed it writes job.json (train --resume needs the job of a run that never finished): a refused
     * resume leaves the run's job.json as it was, and an accepted one keeps the previous as job.previous.json.
     */
    private DistributedTrainer trainer(SparkSession spark, CheckpointStore store, JobConfig job, Checkpoint from) {
        return new DistributedTrainer(spark).withCheckpoints(store, from, out::println)
                .beforeTraining(() -> new RunWriter(storage, job.outputDir()).writeJob(job, from != null));
    }

    /** Something trained in a Spark session. */
    @FunctionalInterface
    private interface SparkWork {
        int run(SparkSession spark) throws IOException;
    }

    private int inSession(JobConfig job, String master, boolean ui, SparkWork work) throws IOException {
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate("spindle: " + job.name(), master, job.distributed().workers(), ui);
        if (ownSession && spark.sparkContext().uiWebUrl().isDefined()) {
            out.println("Spark UI: " + spark.sparkContext().uiWebUrl().get());
        }
        try {
            return work.run(spark);
        } finally {
            // spark-shell and Zeppelin own their session; a session we started ends with the command.
            if (ownSession) spark.stop();
        }
    }

    /** Rows read by Spark's DataFrame readers: checked in one pass, then each worker packs its partition of them. */
    private int trainOnDataFrames(SparkSession spark, DistributedTrainer trainer, JobConfig job, long start) throws IOException {
        long[] shape = job.model().inputShape();
        long width = Buffers.product(shape);
        int classes = job.loss().classification() ? (int) job.model().outputShape()[0] : 0;
        DataConfig data = job.data();
        org.apache.spark.sql.Dataset<Row> train = SparkRows.read(spark, data, data.train(), "data.train", width);
        DataFrameShards.Stats stats = DataFrameShards.check(train, "data.features_column", SparkRows.describe(data),
                "data.label_column", data.labelColumn(), width, classes);
        if (data.weightColumn() != null) WeightColumn.check(train, "data.weight_column", data.weightColumn());
        HeldOutRows test = data.test() == null ? null : heldOut(job, SparkRows.read(spark, data, data.test(), "data.test", width));
        HeldOutRows validation = null;
        if (data.validation() != null) {
            validation = heldOut(job, SparkRows.read(spark, data, data.validation(), "data.validation", width));
        } else if (data.validationSplit() > 0) {
            org.apache.spark.sql.Dataset<Row>[] parts = train.randomSplit(new double[] {1 - data.validationSplit(), data.validationSplit()},
                    job.training().seed());
            if (parts[1].isEmpty() || parts[0].isEmpty()) {
                throw new ConfigException("data.validation_split", data.validationSplit(), "a fraction that leaves rows on both sides of the "
                        + stats.rows() + " training rows");
            }
            train = parts[0];
            validation = heldOut(job, parts[1]);
            stats = DataFrameShards.check(train, "data.features_column", SparkRows.describe(data), "data.label_column", data.labelColumn(), width, classes);
        }
        if (stats.rows() > Integer.MAX_VALUE) throw new ConfigException("data.train", stats.rows() + " rows", "at most " + Integer.MAX_VALUE);
        printPlan(job, (int) stats.rows(), validation, test);
        DistributedTrainer.Outcome outcome = trainer.trainFrame(job, train, stats.rows(), stats.fingerprint(), validation, progress(job));
        return finish(spark, job, outcome, validation, test, stats.fingerprint(), start);
    }

    /**
     * Held-out rows (test or validation), checked as the training rows are; they stay a DataFrame, which the executors
     * deal among themselves to evaluate, so they never reach the driver.
     */
    private static HeldOutRows heldOut(JobConfig job, org.apache.spark.sql.Dataset<Row> rows) {
        DataConfig data = job.data();
        int classes = job.loss().classification() ? (int) job.model().outputShape()[0] : 0;
        DataFrameShards.Stats stats = DataFrameShards.check(rows, "data.features_column", SparkRows.describe(data), "data.label_column",
                data.labelColumn(), Buffers.product(job.model().inputShape()), classes);
        return HeldOutRows.of(rows, stats.rows(), job.model().inputShape(), classes, job.training().seed());
    }

    /** The progress bar, behind the step log that steps.csv is written from. */
    private StepLog progress(JobConfig job) {
        steps = new StepLog(job.optimizer().schedule(), job.training().epochs(), new ProgressBar(out, out == System.out && System.console() != null));
        return steps;
    }

    private void printPlan(JobConfig job, int trainRows, HeldOutRows validation, HeldOutRows test) {
        int workers = job.distributed().workers();
        out.printf(Locale.ROOT, "spindle: %s — %,d parameters, %,d training rows%s%s, %d worker(s) × batch %d, %d epoch(s), output %s%n",
                job.name(), Network.parameterCount(job.model()), trainRows,
                validation == null ? "" : String.format(Locale.ROOT, ", %,d validation rows", validation.rows()),
                test == null ? "" : String.format(Locale.ROOT, ", %,d test rows", test.rows()),
                workers, job.training().batchSize() / workers, job.training().epochs(), job.outputDir());
    }

    /** Evaluates on the test rows, writes the run directory and its report, and prints the result. */
    private int finish(SparkSession spark, JobConfig job, DistributedTrainer.Outcome outcome, HeldOutRows validation, HeldOutRows test,
                       String trainFingerprint, long start) throws IOException {
        int workers = outcome.workers();
        History history = outcome.history();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Evaluation eval = test == null ? null
                : DistributedEvaluator.evaluate(sc, job.model(), job.loss(), outcome.params(), test, workers);
        double seconds = (System.nanoTime() - start) / 1e9;

        SavedModel saved = TrainedModel.of(job, outcome.params(), outcome.optimizerState(), outcome.iteration(),
                trainFingerprint, history.epochs().size());
        RunWriter run = new RunWriter(storage, job.outputDir());
        run.writeModel(saved);
        run.writeHistory(history);
        run.writeSteps(steps);
        run.writeSummary(job, history, validation == null ? 0 : Math.toIntExact(validation.rows()), eval, saved, new RunFigures(workers, outcome.collectiveShare(),
                outcome.epochCollectiveShares(), outcome.rankCollectiveShares(), seconds, outcome.attempts(), outcome.stepsRedone(),
                outcome.collective(), outcome.workersByAttempt()));
        if (outcome.attempts() > 1) {
            out.printf(Locale.ROOT, "recovered: %d attempts, %,d steps redone; checkpoints in %s%n",
                    outcome.attempts(), outcome.stepsRedone(), Storage.join(job.outputDir(), "checkpoints"));
        }
        writeReport(job.outputDir());
        if (eval != null) {
            out.printf(Locale.ROOT, "test: loss %.4f%s  (%,d rows)%n", eval.loss(),
                    eval.confusion() != null ? String.format(Locale.ROOT, "  accuracy %.4f", eval.accuracy())
                            : String.format(Locale.ROOT, "  mse %.5f  r2 %.4f", eval.regression().mse(), eval.regression().r2()),
                    eval.samples());
        }
        if (steps.firstStepNanos() != 0) {
            // The wait before training: the data read, checked, dealt to the workers and kept (in memory or spooled).
            out.printf(Locale.ROOT, "first step %.1f s after the start%n", (steps.firstStepNanos() - start) / 1e9);
        }
        out.printf(Locale.ROOT, "trained %,.0f samples/s (%.0f%% of step time in the all-reduce%s); run directory %s (%.1f s)%n",
                history.samplesPerSecond(), 100 * outcome.collectiveShare(), lastEpoch(history, outcome.epochCollectiveShares()),
                job.outputDir(), seconds);
        return 0;
    }

    /**
     * The last epoch's figures when there were several: the whole run's include the first epochs, while the JIT
     * compiles the step, so the last epoch's share of time in the all-reduce is the steady one.
     */
    private static String lastEpoch(History history, double[] epochShares) {
        if (history.epochs().size() < 2 || epochShares.length < 2) return "";
        return String.format(Locale.ROOT, "; last epoch %,.0f samples/s, %.0f%%", history.last().samplesPerSecond(),
                100 * epochShares[epochShares.length - 1]);
    }

    /** The model is saved by now: a report that cannot be drawn is a warning, and `spindle report` can retry it. */
    private void writeReport(String dir) {
        try {
            new ReportWriter(storage).write(dir);
        } catch (IOException | RuntimeException | LinkageError e) {
            out.println("spindle: warning: report.html not written (" + e + "); retry with: spindle report " + dir);
        }
    }

    JobConfig readJob(String path, List<String> overrides) throws IOException {
        String text;
        try (InputStream in = storage.open(path)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return JobConfig.parse(text, path, overrides);
    }

    private static void checkClasses(JobConfig job, int classes, String field) {
        long outputs = job.model().outputShape()[0];
        if (classes > outputs) {
            throw new ConfigException(job.model().outputField(), outputs + " outputs",
                    field + " has " + classes + " classes, so the last layer needs at least that many units");
        }
    }
}
