package io.spindle.driver.data;

import io.spindle.core.config.ConfigException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Column checks shared by the Spark ML API and the CLI's DataFrame sources (each names the param or
 * job field and the column at fault), and the one place that reads a features cell: an ML
 * {@code Vector} or an array of numbers.
 */
public final class FeatureColumns {
    private FeatureColumns() {
    }

    public static StructField require(StructType schema, String param, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new ConfigException(param, column, "a column of the DataFrame, which has " + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(column);
    }

    /** The features column must be a Vector or an array of numbers. */
    public static void checkFeatures(StructType schema, String param, String column) {
        DataType t = require(schema, param, column).dataType();
        boolean ok = t.equals(SQLDataTypes.VectorType())
                || t instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!ok) {
            throw new ConfigException(param, column, "a column of type Vector or array<float|double|int|long>; \"" + column
                    + "\" is " + t.simpleString() + " (VectorAssembler builds a Vector from numeric columns)");
        }
    }

    public static void checkNumeric(StructType schema, String param, String column) {
        DataType t = require(schema, param, column).dataType();
        if (!(t instanceof NumericType)) {
            throw new ConfigException(param, column, "a numeric column; \"" + column + "\" is " + t.simpleString()
                    + " (StringIndexer turns string labels into numbers)");
        }
    }

    /** An output column must not overwrite an input one. */
    public static void checkAbsent(StructType schema, String param, String column) {
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new ConfigException(param, column, "a new column name: the DataFrame already has \"" + column + "\"");
        }
    }

    /** The features column as array&lt;float&gt;, whichever of the allowed types it has. */
    public static Column asFloatArray(StructType schema, String column) {
        Column c = org.apache.spark.sql.functions.col(column);
        return schema.apply(column).dataType().equals(SQLDataTypes.VectorType())
                ? org.apache.spark.ml.functions.vector_to_array(c, "float32")
                : c.cast(DataTypes.createArrayType(DataTypes.FloatType));
    }

    /** Executor side: one features cell as floats (a Vector, or any array of numbers). */
    public static float[] values(Row row, int index) {
        Object cell = row.get(index);
        if (cell == null) throw new IllegalArgumentException("row has a null features value");
        if (cell instanceof Vector v) {
            double[] d = v.toArray();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            return f;
        }
        List<Object> list = row.getList(index);
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) list.get(i)).floatValue();
        return f;
    }
}
