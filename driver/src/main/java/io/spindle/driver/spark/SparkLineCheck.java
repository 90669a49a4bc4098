package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Stops a jar built for one Spark/Scala line on another at start-up, naming both, instead of a
 * {@code NoSuchMethodError} deep inside a job: Spark's binary compatibility holds within a minor line only.
 */
public final class SparkLineCheck {
    static final String RESOURCE = "io/spindle/driver/build-line.properties";

    private SparkLineCheck() {
    }

    /** Throws when the running Spark or Scala is not the line this jar was built for. */
    public static void require() {
        Properties built = built();
        String message = mismatch(built.getProperty("spark.version"), built.getProperty("scala.binary.version"),
                org.apache.spark.package$.MODULE$.SPARK_VERSION(), scala.util.Properties.versionNumberString());
        if (message != null) throw new ConfigException("Spark/Scala line", message);
    }

    /** Null when the lines match; else what was built, what runs and what to use instead. */
    static String mismatch(String builtSpark, String builtScala, String runningSpark, String runningScala) {
        String want = line(builtSpark) + " / Scala " + builtScala;
        String have = line(runningSpark) + " / Scala " + line(runningScala);
        if (want.equals(have)) return null;
        return "this Spindle jar was built for Spark " + want + " but runs on Spark " + have
                + " (Spark " + runningSpark + ", Scala " + runningScala + "); use the artifact built for Spark " + have
                + " (README, \"Spark lines\")";
    }

    /** "4.2.0" or "4.2.0-preview1" -> "4.2"; "2.13.18" -> "2.13". */
    static String line(String version) {
        String[] parts = version.split("[.-]");
        return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }

    private static Properties built() {
        Properties p = new Properties();
        try (InputStream in = SparkLineCheck.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the Spindle jar");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
