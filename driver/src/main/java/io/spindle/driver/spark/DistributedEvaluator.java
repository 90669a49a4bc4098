package io.spindle.driver.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.metrics.ConfusionMatrix;
import io.spindle.core.metrics.RegressionMetrics;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates a model on Spark: the parameters are broadcast once, each partition evaluates its
 * shard of the test rows, and the partial confusion matrices (or regression sums) are merged.
 */
public final class DistributedEvaluator {
    /** What the Spark UI shows for a job (SparkContext.SPARK_JOB_DESCRIPTION). */
    private static final String JOB_DESCRIPTION = "spark.job.description";

    private DistributedEvaluator() {
    }

    public static Evaluation evaluate(JavaSparkContext sc, ModelConfig model, Loss loss, float[] params, Dataset data, int partitions) {
        return evaluate(sc, model, loss, params, HeldOutRows.of(data), partitions);
    }

    /** The same on rows wherever they are: a DataFrame's are dealt by the executors and never reach the driver. */
    public static Evaluation evaluate(JavaSparkContext sc, ModelConfig model, Loss loss, float[] params, HeldOutRows data, int partitions) {
        Broadcast<float[]> weights = sc.broadcast(params);
        List<EvaluationPartial> parts;
        String description = sc.getLocalProperty(JOB_DESCRIPTION);
        sc.setJobDescription(String.format(Locale.ROOT, "spindle: evaluation of %,d rows in %d partitions", data.rows(), partitions));
        try {
            parts = data.parts(sc, partitions)
                    .map(new EvaluateShard(model.toJson().toString(), loss.toJson().toString(), weights)).collect();
        } finally {
            sc.setLocalProperty(JOB_DESCRIPTION, description);
            weights.destroy();
        }
        double lossSum = 0;
        long rows = 0;
        ConfusionMatrix confusion = null;
        RegressionMetrics regression = null;
        for (EvaluationPartial p : parts) {
            lossSum += p.lossSum;
            rows += p.rows;
            if (p.confusion != null) {
                confusion = confusion == null ? ConfusionMatrix.fromCounts(p.confusion) : confusion.merge(ConfusionMatrix.fromCounts(p.confusion));
            }
            if (p.regression != null) {
                regression = regression == null ? RegressionMetrics.fromArray(p.regression) : regression.merge(RegressionMetrics.fromArray(p.regression));
            }
        }
        return new Evaluation(lossSum / rows, rows, confusion, regression);
    }

    /** Executor side: rebuild the network over the broadcast parameters and evaluate one shard. */
    private static final class EvaluateShard implements Function<Shard, EvaluationPartial> {
        private static final long serialVersionUID = 1L;
        private final String modelJson;
        private final String lossJson;
        private final Broadcast<float[]> weights;

        EvaluateShard(String modelJson, String lossJson, Broadcast<float[]> weights) {
            this.modelJson = modelJson;
            this.lossJson = lossJson;
            this.weights = weights;
        }

        @Override
        public EvaluationPartial call(Shard shard) {
            if (shard.rows() == 0) return new EvaluationPartial(0, 0, null, null);
            ModelConfig model;
            try {
                model = ModelConfig.fromJson(new ConfigNode(new ObjectMapper().readTree(modelJson), "model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Network net = Network.withParams(model, Nd4j.createFromArray(weights.value()), 0);
            Evaluation e = Evaluator.evaluate(net, Loss.fromJsonText(lossJson), shard.toDataset(), 512);
            return new EvaluationPartial(e.loss() * e.samples(), e.samples(),
                    e.confusion() == null ? null : e.confusion().counts(),
                    e.regression() == null ? null : e.regression().toArray());
        }
    }
}
