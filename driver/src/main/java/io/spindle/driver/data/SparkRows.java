package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.job.DataConfig;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;

/**
 * Parquet, JSON-lines and LibSVM sources, read with Spark's DataFrame readers into checked
 * {@code (f: array<float>, y: double)} rows (training rows also {@code w: double}, data.weight_column): the job's
 * features columns (one Vector or array column,
 * numeric columns side by side, or a mix of both joined end to end) and its label column. Missing columns and wrong types fail here,
 * naming the job field; ragged rows and bad labels fail in {@link DataFrameShards#check}.
 */
public final class SparkRows {
    private SparkRows() {
    }

    /** {@code uri}'s rows; {@code width} (the model's input size) tells LibSVM how many features a row has. */
    public static Dataset<Row> read(SparkSession spark, DataConfig c, String uri, String field, long width) {
        Dataset<Row> df;
        try {
            df = switch (c.format()) {
                case "parquet" -> spark.read().parquet(uri);
                case "json" -> spark.read().json(uri);
                case "libsvm" -> spark.read().format("libsvm").option("numFeatures", width).load(uri);
                default -> throw new IllegalArgumentException(c.format() + " is not read through Spark");
            };
        } catch (Exception e) {
            // Scala throws AnalysisException (a checked exception to Java) without declaring it.
            if (!((Object) e instanceof AnalysisException) && !(e.getCause() instanceof java.io.IOException)) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            throw new ConfigException(field, uri + " could not be read as " + c.format() + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        StructType schema = df.schema();
        Column features = features(schema, c.featuresColumns(), "data.features_column");
        FeatureColumns.checkNumeric(schema, "data.label_column", c.labelColumn());
        Column label = col(c.labelColumn()).cast("double").as("y");
        // Weights only train: test and validation rows need not have the column.
        if (c.weightColumn() == null || !field.equals("data.train")) return df.select(features.as("f"), label);
        return df.select(features.as("f"), label, WeightColumn.select(schema, "data.weight_column", c.weightColumn()));
    }

    /** How the job names its features, for messages. */
    public static String describe(DataConfig c) {
        return c.featuresColumns().size() == 1 ? c.featuresColumns().get(0) : c.featuresColumns().toString();
    }

    /** {@code names} as one array&lt;float&gt; column; {@code field} (the job field or param naming them) is named in errors. */
    public static Column features(StructType schema, List<String> names, String field) {
        if (names.size() == 1 && !isNumeric(schema, names.get(0), field)) {
            FeatureColumns.checkFeatures(schema, field, names.get(0));
            return FeatureColumns.asFloatArray(schema, names.get(0));
        }
        boolean allNumeric = names.stream().allMatch(n -> isNumeric(schema, n, field));
        Column[] cols = new Column[names.size()];
        for (int i = 0; i < cols.length; i++) {
            String name = names.get(i);
            if (allNumeric) {
                cols[i] = col(name).cast("float");
            } else if (isNumeric(schema, name, field)) {
                cols[i] = array(col(name).cast("float"));
            } else {
                FeatureColumns.checkFeatures(schema, field, name);
                cols[i] = FeatureColumns.asFloatArray(schema, name);
            }
        }
        // Numeric columns side by side, or (several inputs: category ids beside a vector) arrays joined end to end.
        return allNumeric ? array(cols) : concat(cols);
    }

    private static boolean isNumeric(StructType schema, String column, String field) {
        return FeatureColumns.require(schema, field, column).dataType() instanceof NumericType;
    }

    /** Checked rows collected into a driver-side dataset (the evaluate and predict verbs, which run in one process). */
    public static io.spindle.core.data.Dataset collect(Dataset<Row> rows, long[] sampleShape, int classes) {
        List<Row> all = rows.collectAsList();
        int width = (int) io.spindle.core.nn.Buffers.product(sampleShape);
        float[] x = new float[all.size() * width], y = new float[all.size()];
        for (int r = 0; r < all.size(); r++) {
            System.arraycopy(FeatureColumns.values(all.get(r), 0), 0, x, r * width, width);
            y[r] = (float) all.get(r).getDouble(1);
        }
        return new io.spindle.core.data.Dataset(Nd4j.create(x, new long[] {all.size(), width}, 'c'),
                Nd4j.create(y, new long[] {all.size(), 1}, 'c'), sampleShape, classes);
    }
}
