package io.spindle.driver.spark;

import io.spindle.worker.TrainingPlan;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.Transport;

import java.io.Serializable;

/**
 * Everything the tasks of one barrier stage need, shipped whole inside the task (Spark's closure serializer, between
 * our own driver and executors): the model, loss and optimizer as their job-file JSON, the plan every rank runs, how
 * the ranks reach each other, where rank 0 reports (the driver's metrics server, and the coordinator's address for
 * that transport, else ""), which attempt this is, the checkpoint it resumes from (null on a fresh start), and the
 * augmentation of the training images as JSON.
 */
record StageSpec(String modelJson, String lossJson, String optimizerJson, TrainingPlan plan, Transport transport,
                 CollectiveOptions collective, String metricsAddress, String coordinatorAddress, int attempt,
                 ResumeState resume, String augmentJson) implements Serializable {
}
