package io.spindle.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Gets the Spark session a job runs in: the one spark-submit, spark-shell or Zeppelin already
 * configured, or a local one ({@code local[workers]}) for {@code deploy/spindle}. Either way Kryo
 * with Spindle's registrator is switched on unless the user chose a serializer.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    /** spark-submit's application name when {@code --name} was not given: the main class. */
    private static final String SUBMIT_DEFAULT_NAME = "io.spindle.driver.Main";

    /** {@code master} overrides; null means "whatever spark-submit set, else local[workers]". No web UI in local mode. */
    public static SparkSession getOrCreate(String appName, String master, int workers) {
        return getOrCreate(appName, master, workers, false);
    }

    /**
     * As above; {@code ui} turns Spark's web UI on (unless spark.ui.enabled says otherwise), false turns it off.
     * The application is named {@code appName} unless the user named it (spark-submit's default is the main class).
     */
    public static SparkSession getOrCreate(String appName, String master, int workers, boolean ui) {
        SparkConf conf = new SparkConf(true);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + workers + "]");
        }
        if (!conf.contains("spark.app.name") || conf.get("spark.app.name").equals(SUBMIT_DEFAULT_NAME)) {
            conf.set("spark.app.name", appName);
        }
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", SpindleKryoRegistrator.class.getName());
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        // Parquet writes a CRC with every page but checks none by default: a damaged page can decode to wrong values
        // and train silently. Checked, a damaged part fails the reading pass, which names the file.
        conf.setIfMissing("spark.hadoop.parquet.page.verify-checksum.enabled", "true");
        // Spark re-checks every 15 s, 40 times, for enough slots to start a barrier stage: 10 minutes before a
        // job that cannot fit fails. Every 2 s for 2 minutes still lets executors (or a replacement for a lost one,
        // which first fetches the fat jar) register, and a resumed attempt starts as soon as they have.
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60");
        if (!ui) {
            conf.set("spark.ui.enabled", "false");
        } else {
            conf.setIfMissing("spark.ui.enabled", "true");
            // Spark's own stage bar (which some spark-defaults switch on) would draw over Spindle's progress bar.
            conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
