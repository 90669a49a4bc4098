package io.spindle.driver.cli;

import io.spindle.core.Sequential;
import io.spindle.core.config.ConfigException;
import io.spindle.core.data.Dataset;
import io.spindle.driver.run.Storage;
import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
 * {@code predict MODEL --data PATH --out FILE.csv|DIR.parquet}: one row per input row with the predicted
 * class and every class probability (or the predicted values for regression), as CSV or Parquet.
 */
final class PredictCommand extends ModelCommand {
    static final String USAGE = "predict MODEL|RUN_DIR --data PATH --out FILE.csv|DIR.parquet [--out-format csv|parquet] [--labels PATH]\n"
            + "  [--format idx|csv|parquet|json|libsvm] [--label-column C] [--features-column C[,C...]] [--class-names A,B,...] [--no-header]\n"
            + "  [--master SPARK_MASTER]";
    static final List<String> OUT_FORMATS = List.of("csv", "parquet");
    private final PrintStream out;

    PredictCommand(Storage storage, PrintStream out) {
        super(storage);
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        List<String> valued = new ArrayList<>(DATA_OPTIONS);
        valued.add("out");
        valued.add("out-format");
        Args args = Args.parse("predict", argv, 1, valued, List.of("no-header"));
        if (args.positional.size() != 1) throw new ConfigException("predict", "expects one model: " + USAGE);
        String target = args.option("out");
        if (target == null) throw new ConfigException("predict --out", "is required: the CSV file or Parquet directory to write");
        String outFormat = args.option("out-format") != null ? args.option("out-format")
                : target.toLowerCase(Locale.ROOT).replaceAll("/+$", "").endsWith(".parquet") ? "parquet" : "csv";
        if (!OUT_FORMATS.contains(outFormat)) throw new ConfigException("predict --out-format", outFormat, "one of " + OUT_FORMATS);
        Sequential model = loadModel(args.positional.get(0));
        Dataset data = load(dataConfig(args, "predict", model), model, args.option("master"));
        InputFit.inputFits(model.network().config().inputShape(), data, "--data", args.option("data"));
        INDArray predictions = model.predict(data.features());
        boolean classification = model.loss().classification();
        List<String> names = classNames(args, args.positional.get(0), model);
        if (outFormat.equals("csv")) {
            storage.writeAtomically(target, o -> o.write(toCsv(predictions, classification, names).getBytes(StandardCharsets.UTF_8)));
        } else {
            writeParquet(predictions, classification, names, target, args.option("master"));
        }
        out.printf(Locale.ROOT, "wrote %,d predictions to %s (%s)%n", predictions.size(0), target, outFormat);
        return 0;
    }

    /** The columns: row, then predicted (and predicted_class, its name, when known), then p_0.. (class probabilities) or y_0.. (values). */
    private static List<String> header(long cols, boolean classification, List<String> classNames) {
        List<String> names = new ArrayList<>(List.of("row"));
        if (classification) names.add("predicted");
        if (classNames != null) names.add("predicted_class");
        for (long c = 0; c < cols; c++) names.add((classification ? "p_" : "y_") + c);
        return names;
    }

    static String toCsv(INDArray predictions, boolean classification, List<String> classNames) {
        long rows = predictions.size(0), cols = predictions.size(1);
        float[][] values = predictions.castTo(DataType.FLOAT).toFloatMatrix();
        long[] predicted = classification ? Nd4j.argMax(predictions, 1).toLongVector() : null;
        StringBuilder sb = new StringBuilder(String.join(",", header(cols, classification, classNames))).append('\n');
        for (int r = 0; r < rows; r++) {
            sb.append(r);
            if (classification) sb.append(',').append(predicted[r]);
            if (classNames != null) sb.append(',').append(csvCell(classNames.get((int) predicted[r])));
            for (int c = 0; c < cols; c++) sb.append(',').append(String.format(Locale.ROOT, "%.6g", values[r][c]));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.matches("[^,\"\n\r]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** The same table as one Parquet file in directory {@code target}, written by Spark (replacing what was there). */
    private static void writeParquet(INDArray predictions, boolean classification, List<String> classNames, String target, String master) {
        long cols = predictions.size(1);
        float[][] values = predictions.castTo(DataType.FLOAT).toFloatMatrix();
        long[] predicted = classification ? Nd4j.argMax(predictions, 1).toLongVector() : null;
        List<String> names = header(cols, classification, classNames);
        StructType schema = new StructType().add("row", DataTypes.LongType, false);
        if (classification) schema = schema.add("predicted", DataTypes.LongType, false);
        if (classNames != null) schema = schema.add("predicted_class", DataTypes.StringType, false);
        for (String n : names.subList(schema.length(), names.size())) schema = schema.add(n, DataTypes.FloatType, false);
        List<Row> rows = new ArrayList<>(values.length);
        for (int r = 0; r < values.length; r++) {
            List<Object> v = new ArrayList<>(names.size());
            v.add((long) r);
            if (classification) v.add(predicted[r]);
            if (classNames != null) v.add(classNames.get((int) predicted[r]));
            for (float x : values[r]) v.add(x);
            rows.add(RowFactory.create(v.toArray()));
        }
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.getOrCreate("spindle predict", master, 1);
        try {
            spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite").parquet(target);
        } finally {
            if (ownSession) spark.stop();
        }
    }
}
