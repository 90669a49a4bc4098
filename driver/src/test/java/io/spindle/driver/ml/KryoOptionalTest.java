package io.spindle.driver.ml;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** fit on a Spark session that uses Java serialization (no Kryo configured) trains, and warns that Kryo is faster. */
@Tag("spark")
class KryoOptionalTest {
    @Test
    void fitWithoutKryoWorksAndWarns() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("spindle-no-kryo")
                .config("spark.ui.enabled", "false").config("spark.serializer", "org.apache.spark.serializer.JavaSerializer").getOrCreate();
        try {
            Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "x3"}).setOutputCol("features")
                    .transform(SpindleMlTest.blobs(spark, 300, 2));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            SpindleClassificationModel[] model = new SpindleClassificationModel[1];
            scala.Console.withOut(new PrintStream(bytes, true, StandardCharsets.UTF_8), () -> {
                model[0] = SpindleMlTest.classifier().setEpochs(4).setVerbose(false).fit(data);
                return null;
            });
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("warning: spark.serializer is org.apache.spark.serializer.JavaSerializer")
                    && printed.contains("spark.serializer=org.apache.spark.serializer.KryoSerializer"), printed);
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model[0].transform(data));
            assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        } finally {
            spark.stop();
        }
    }
}
