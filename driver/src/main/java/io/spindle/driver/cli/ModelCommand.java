package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.core.io.ModelFile;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What {@code evaluate} and {@code predict} share: reading a saved model (a file or a run
 * directory) and the data options {@code --data --labels --format --label-column --no-header}.
 */
abstract class ModelCommand {
    static final List<String> DATA_OPTIONS = List.of("data", "labels", "format", "label-column");
    protected final Storage storage;

    ModelCommand(Storage storage) {
        this.storage = storage;
    }

    /** A run directory means its {@code model.spindle}. */
    Sequential loadModel(String path) throws IOException {
        String file = path.endsWith(".spindle") || !storage.exists(Storage.join(path, "model.spindle"))
                ? path : Storage.join(path, "model.spindle");
        if (!storage.exists(file)) throw new ConfigException("model", file + " does not exist");
        try (InputStream in = storage.open(file)) {
            return Sequential.fromSaved(ModelFile.read(in, file));
        }
    }

    DataConfig dataConfig(Args args, String verb, Sequential model) {
        String data = args.option("data");
        if (data == null) throw new ConfigException(verb + " --data", "is required: the images file (IDX) or a CSV file");
        String format = args.option("format") != null ? args.option("format")
                : data.toLowerCase().matches(".*\\.csv(\\.gz)?$") ? "csv" : "idx";
        if (!DataConfig.LOCAL_FORMATS.contains(format)) throw new ConfigException(verb + " --format", format, "one of " + DataConfig.LOCAL_FORMATS);
        // The model's loss already says whether labels are classes or targets.
        String task = model.loss().classification() ? "classification" : "regression";
        if (format.equals("csv") && args.option("label-column") == null) {
            throw new ConfigException(verb + " --label-column", "is required for CSV data: a column name, a 0-based index, or last");
        }
        return new DataConfig(format, data, args.option("labels"), null, null, args.option("label-column"),
                !args.flag("no-header"), task);
    }

    Dataset load(DataConfig cfg) throws IOException {
        DataLoader loader = new DataLoader(storage);
        loader.checkExists(cfg);
        return loader.train(cfg);
    }
}
