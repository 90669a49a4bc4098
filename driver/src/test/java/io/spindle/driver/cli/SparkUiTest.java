package io.spindle.driver.cli;

import io.spindle.driver.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** train starts Spark's web UI and prints its address once, --no-ui leaves it off; the application is named after the job. */
@Tag("spark")
class SparkUiTest {
    // The build turns the UI off for every other test (many test JVMs share a machine's ports); this one needs Spark's default.
    private String uiProperty;

    @BeforeEach
    void useSparksDefault() {
        uiProperty = System.clearProperty("spark.ui.enabled");
    }

    @AfterEach
    void restore() {
        if (uiProperty != null) System.setProperty("spark.ui.enabled", uiProperty);
        System.clearProperty("spark.app.name");
    }

    private static int uiLines(String out) {
        return out.split("Spark UI: http://", -1).length - 1;
    }

    @Test
    void theUiIsOnWithItsAddressPrintedOnceUnlessNoUi(@TempDir Path dir) {
        CliRunner on = CliRunner.run(TrainCommandTest.trainArgs("fashion-mlp-small.json", dir.resolve("on"), "--set", "training.epochs=1"));
        assertEquals(0, on.exitCode(), on.err());
        assertEquals(1, uiLines(on.out()), on.out());

        CliRunner off = CliRunner.run(TrainCommandTest.trainArgs("fashion-mlp-small.json", dir.resolve("off"), "--set", "training.epochs=1",
                "--no-ui"));
        assertEquals(0, off.exitCode(), off.err());
        assertEquals(0, uiLines(off.out()), off.out());
    }

    @Test
    void theApplicationIsNamedAfterTheJobUnlessTheUserNamedIt() {
        // What spark-submit sets when --name is not given: the main class.
        System.setProperty("spark.app.name", "io.spindle.driver.Main");
        SparkSession spark = SparkSessions.getOrCreate("spindle: fashion-mlp", "local[1]", 1, false);
        try {
            assertEquals("spindle: fashion-mlp", spark.sparkContext().appName());
        } finally {
            spark.stop();
        }
        System.setProperty("spark.app.name", "nightly sweep");
        spark = SparkSessions.getOrCreate("spindle: fashion-mlp", "local[1]", 1, false);
        try {
            assertEquals("nightly sweep", spark.sparkContext().appName());
        } finally {
            spark.stop();
        }
    }
}
