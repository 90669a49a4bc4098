package io.spindle.notebooks;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code spindle shell} fed a few lines, as a user would type them: Spark is bound and Spindle trains. */
@Tag("spark")
class SpindleShellTest {
    @Test
    void aShortSessionTrainsAndPredicts() throws Exception {
        String session = String.join("\n",
                "val df = spark.range(64).select(array(($\"id\" % 2).cast(\"float\"), lit(1f)).as(\"features\"), ($\"id\" % 2).cast(\"double\").as(\"label\"))",
                "val net = \"\"\"{\"input_shape\": [2], \"layers\": [{\"type\": \"dense\", \"units\": 2}]}\"\"\"",
                "val model = new SpindleClassifier().setNetwork(net).setEpochs(10).setBatchSize(16).setWorkers(2).setLearningRate(0.1).fit(df)",
                "model.transform(df).filter($\"prediction\" === $\"label\").count()",
                "sc.parallelize(1 to 3).map(_ * 2).collect().mkString(\"/\")",
                ":quit", "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SpindleShell.run("local[2]", new BufferedReader(new StringReader(session)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Spindle 0.1.0 shell") && out.contains("spindle> "), out);
        assertTrue(out.contains("model: io.spindle.driver.ml.SpindleClassificationModel"), out);
        assertTrue(out.matches("(?s).*res0: Long = 6[0-9].*"), "the model separates two classes by one pixel:\n" + out);
        assertTrue(out.contains("res1: String = 2/4/6"), out);
        assertFalse(out.contains("error:") || out.contains("warning:"), out);
    }
}
