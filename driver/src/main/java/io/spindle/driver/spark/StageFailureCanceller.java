package io.spindle.driver.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;

/**
 * Cancels a training job at its first failed stage attempt, so Spark does not silently rerun
 * the whole barrier stage from epoch 1 (up to four times) with the coordinator's state half-used.
 */
final class StageFailureCanceller extends SparkListener {
    private final JavaSparkContext sc;
    private final String jobGroup;

    StageFailureCanceller(JavaSparkContext sc, String jobGroup) {
        this.sc = sc;
        this.jobGroup = jobGroup;
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        if (event.stageInfo().failureReason().isDefined()) {
            sc.cancelJobGroup(jobGroup);   // (the one-argument form: Spark 3.5 has no reason)
        }
    }
}
