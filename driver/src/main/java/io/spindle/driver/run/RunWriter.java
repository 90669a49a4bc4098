package io.spindle.driver.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.data.DataFormatException;
import io.spindle.core.io.ModelFile;
import io.spindle.core.io.SavedModel;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.History;
import io.spindle.driver.job.JobConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a run directory: {@code model.spindle}, {@code history.csv}, {@code summary.json} and the
 * resolved {@code job.json}, each atomically, on any Hadoop URI.
 */
public final class RunWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Storage storage;
    private final String dir;

    public RunWriter(Storage storage, String dir) {
        this.storage = storage;
        this.dir = dir;
    }

    public String dir() {
        return dir;
    }

    /**
     * Writes job.json. A resumed run ({@code resumed}) first keeps the job it continues as job.previous.json; a new run
     * removes an earlier run's job.previous.json, which no longer describes anything here.
     */
    public void writeJob(JobConfig job, boolean resumed) throws IOException {
        String current = Storage.join(dir, "job.json"), previous = Storage.join(dir, "job.previous.json");
        if (resumed && storage.exists(current)) {
            copy(current, previous);
        } else if (!resumed && storage.exists(previous)) {
            storage.delete(previous);
        }
        storage.writeString(current, JSON.writeValueAsString(job.toJson()));
    }

    /** After a resume that diverged: job.json becomes job.previous.json again; false when there is none. */
    public boolean restorePreviousJob() throws IOException {
        String previous = Storage.join(dir, "job.previous.json");
        if (!storage.exists(previous)) return false;
        copy(previous, Storage.join(dir, "job.json"));
        return true;
    }

    private void copy(String from, String to) throws IOException {
        byte[] bytes;
        try (java.io.InputStream in = storage.open(from)) {
            bytes = in.readAllBytes();
        }
        storage.writeAtomically(to, out -> out.write(bytes));
    }

    public void writeModel(SavedModel model) throws IOException {
        storage.writeAtomically(Storage.join(dir, "model.spindle"), out -> ModelFile.write(model, out));
    }

    public void writeHistory(History history) throws IOException {
        storage.writeString(Storage.join(dir, "history.csv"), history.toCsv());
    }

    /**
     * Writes steps.csv from {@code log}; a resumed run keeps the points of the steps before it from the file it continues,
     * so the report's curve covers the whole run.
     */
    public void writeSteps(StepLog log) throws IOException {
        String uri = Storage.join(dir, StepLoss.FILE);
        List<StepLoss> points = new ArrayList<>();
        // No step reported (a resume with nothing left to train): the earlier log stands as it is.
        long keepBefore = log.firstStep() == 0 ? Long.MAX_VALUE : log.firstStep();
        if (keepBefore > 1 && storage.exists(uri)) {
            try (java.io.InputStream in = storage.open(uri)) {
                for (StepLoss p : StepLoss.parseCsv(new String(in.readAllBytes(), StandardCharsets.UTF_8), uri)) {
                    if (p.step() < keepBefore) points.add(p);
                }
            } catch (DataFormatException e) {
                points.clear();   // a damaged earlier log costs the curve its first part, never the run
            }
        }
        points.addAll(log.points());
        storage.writeString(uri, StepLog.toCsv(points));
    }

    /**
     * The summary a script reads: final metrics, throughput, and the run's provenance. Each figure names its set:
     * {@code final_train_*} the training rows, {@code final_val_*} the {@code validationRows} validated after every
     * epoch ({@code validation_source} says which), {@code test_*} data.test, evaluated once at the end.
     */
    public ObjectNode writeSummary(JobConfig job, History history, int validationRows, Evaluation test, SavedModel model,
                                   RunFigures run) throws IOException {
        ObjectNode s = JSON.createObjectNode().put("name", job.name());
        if (test != null) {
            s.put("test_source", "data.test " + job.data().test());
            s.put("test_loss", test.loss());
            if (test.confusion() != null) {
                s.put("test_accuracy", test.accuracy());
                s.put("test_macro_f1", test.confusion().macroF1());
            } else {
                s.put("test_mse", test.regression().mse()).put("test_mae", test.regression().mae()).put("test_r2", test.regression().r2());
            }
            s.put("test_samples", test.samples());
        }
        s.put("final_train_loss", history.last().trainLoss());
        if (!Double.isNaN(history.last().trainAccuracy())) s.put("final_train_accuracy", history.last().trainAccuracy());
        if (job.data().hasValidation()) {
            s.put("validation_source", job.data().validationSource()).put("validation_rows", validationRows);
            if (!Double.isNaN(history.last().validationLoss())) s.put("final_val_loss", history.last().validationLoss());
            if (!Double.isNaN(history.last().validationAccuracy())) s.put("final_val_accuracy", history.last().validationAccuracy());
        }
        s.put("train_samples_per_sec", history.samplesPerSecond());
        s.put("epochs", history.epochs().size());
        s.put("stopped_early", history.stoppedEarly());
        if (history.stoppedEarly()) s.put("best_epoch", history.bestEpoch());
        s.put("workers", run.workers());
        s.put("collective", run.collective());
        s.put("collective_share", run.collectiveShare());
        ArrayNode shares = s.putArray("collective_share_per_epoch");   // the epochs of the last attempt, in order
        for (double share : run.epochCollectiveShares()) shares.add(share);
        ArrayNode byRank = s.putArray("collective_share_by_rank");   // the last attempt; a slower rank's peers wait longer
        for (double share : run.rankCollectiveShares()) byRank.add(share);
        s.put("seconds", run.seconds());
        s.put("attempts", run.attempts());
        s.put("steps_redone", run.stepsRedone());
        ArrayNode byAttempt = s.putArray("workers_by_attempt");
        for (int w : run.workersByAttempt()) byAttempt.add(w);
        s.put("steps", model.optimizerIteration());
        s.put("params", model.params().length());
        s.put("seed", model.provenance().seed());
        s.put("data_fingerprint", model.provenance().dataFingerprint());
        s.put("spindle_version", model.provenance().spindleVersion());
        s.put("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        if (!job.data().classNames().isEmpty()) {
            ArrayNode names = s.putArray("class_names");
            job.data().classNames().forEach(names::add);
        }
        if (test != null && test.confusion() != null) {
            ArrayNode rows = s.putArray("confusion_matrix");
            for (long[] row : test.confusion().counts()) {
                ArrayNode r = rows.addArray();
                for (long v : row) r.add(v);
            }
        }
        storage.writeString(Storage.join(dir, "summary.json"), JSON.writeValueAsString(s));
        return s;
    }
}
