package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.driver.run.Storage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code predict MODEL --data PATH --out FILE.csv}: one CSV row per input row with the predicted
 * class and every class probability (or the predicted values for regression).
 */
final class PredictCommand extends ModelCommand {
    static final String USAGE = "predict MODEL|RUN_DIR --data PATH --out FILE.csv [--labels PATH] [--format idx|csv] [--label-column C] [--no-header]";
    private final PrintStream out;

    PredictCommand(Storage storage, PrintStream out) {
        super(storage);
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        List<String> valued = new ArrayList<>(DATA_OPTIONS);
        valued.add("out");
        Args args = Args.parse("predict", argv, 1, valued, List.of("no-header"));
        if (args.positional.size() != 1) throw new ConfigException("predict", "expects one model: " + USAGE);
        String target = args.option("out");
        if (target == null) throw new ConfigException("predict --out", "is required: the CSV file to write");
        Sequential model = loadModel(args.positional.get(0));
        Dataset data = load(dataConfig(args, "predict", model));
        InputFit.inputFits(model.network().config().inputShape(), data, "--data", args.option("data"));
        INDArray predictions = model.predict(data.features());
        boolean classification = model.loss().classification();
        storage.writeAtomically(target, o -> o.write(toCsv(predictions, classification).getBytes(StandardCharsets.UTF_8)));
        out.printf(Locale.ROOT, "wrote %,d predictions to %s%n", predictions.size(0), target);
        return 0;
    }

    static String toCsv(INDArray predictions, boolean classification) {
        long rows = predictions.size(0), cols = predictions.size(1);
        float[][] values = predictions.castTo(DataType.FLOAT).toFloatMatrix();
        long[] predicted = classification ? Nd4j.argMax(predictions, 1).toLongVector() : null;
        StringBuilder sb = new StringBuilder("row");
        if (classification) sb.append(",predicted");
        for (long c = 0; c < cols; c++) sb.append(classification ? ",p_" : ",y_").append(c);
        sb.append('\n');
        for (int r = 0; r < rows; r++) {
            sb.append(r);
            if (classification) sb.append(',').append(predicted[r]);
            for (int c = 0; c < cols; c++) sb.append(',').append(String.format(Locale.ROOT, "%.6g", values[r][c]));
            sb.append('\n');
        }
        return sb.toString();
    }
}
