package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.SampleWeights;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The optional sample-weight column of a DataFrame source (Spark ML's {@code weightCol}, the job's
 * {@code data.weight_column}): its type is checked with the schema, its values in one aggregate pass, both before
 * training and each naming the param and the column. The checked rows carry it as column {@code w}, beside {@code f}
 * and {@code y}.
 */
public final class WeightColumn {
    /** The name the weights have among the checked rows. */
    public static final String NAME = "w";

    private WeightColumn() {
    }

    /** {@code column} as the double column {@code w}, after checking it exists and is numeric. */
    public static Column select(StructType schema, String param, String column) {
        FeatureColumns.checkNumeric(schema, param, column);
        return col(column).cast("double").as(NAME);
    }

    /** Whether checked rows carry weights. */
    public static boolean in(StructType schema) {
        return Arrays.asList(schema.fieldNames()).contains(NAME);
    }

    /** Every weight of {@code rows} (which carry {@code w}) is present, finite and > 0. */
    public static void check(Dataset<Row> rows, String param, String column) {
        Column w = col(NAME);
        Column bad = w.isNotNull().and(isnan(w).or(w.leq(0)).or(w.equalTo(lit(Double.POSITIVE_INFINITY))));
        Row s = rows.agg(sum(when(w.isNull(), 1).otherwise(0)), sum(when(bad, 1).otherwise(0)),
                min(when(bad, w)), max(when(bad, w)), count(lit(1))).first();
        long nulls = s.isNullAt(0) ? 0 : s.getLong(0), bads = s.isNullAt(1) ? 0 : s.getLong(1);
        if (nulls > 0) throw new ConfigException(param, column, "a column without nulls; " + nulls + " of " + s.getLong(4) + " rows are null");
        if (bads > 0) {
            throw new ConfigException(param, column, "a column of " + SampleWeights.rule() + "; " + bads + " rows are not (they range over ["
                    + s.getDouble(2) + ", " + s.getDouble(3) + "])");
        }
    }
}
