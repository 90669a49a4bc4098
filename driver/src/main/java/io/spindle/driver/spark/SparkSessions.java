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

    /** {@code master} overrides; null means "whatever spark-submit set, else local[workers]". */
    public static SparkSession getOrCreate(String appName, String master, int workers) {
        SparkConf conf = new SparkConf(true);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + workers + "]");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", SpindleKryoRegistrator.class.getName());
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        // Spark re-checks every 15 s, 40 times, for enough slots to start a barrier stage: 10 minutes before a
        // job that cannot fit fails. Every 2 s for 2 minutes still lets executors (or a replacement for a lost one,
        // which first fetches the fat jar) register, and a resumed attempt starts as soon as they have.
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "60");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
