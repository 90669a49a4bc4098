package io.spindle.core.train;

import io.spindle.core.data.Dataset;
import io.spindle.core.loss.Loss;
import io.spindle.core.metrics.ConfusionMatrix;
import io.spindle.core.metrics.RegressionMetrics;
import io.spindle.core.model.Network;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs a network in inference mode over a dataset in batches and accumulates loss and metrics. */
public final class Evaluator {
    private Evaluator() {
    }

    public static Evaluation evaluate(Network net, Loss loss, Dataset data, int batchSize) {
        Dataset rows = data.features().dataType() == net.dataType() ? data : data.as(net.dataType());
        BatchSampler sampler = new BatchSampler(rows, batchSize, RowOrder.source(rows.size()));
        sampler.startEpoch(0);
        int classes = (int) net.outputShape()[0];
        ConfusionMatrix confusion = loss.classification() ? new ConfusionMatrix(classes) : null;
        RegressionMetrics regression = loss.classification() ? null : new RegressionMetrics();
        double lossSum = 0;
        for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
            BatchSampler.Batch batch = sampler.batch(b);
            INDArray out = net.forward(batch.features(), false);
            lossSum += loss.compute(out, batch.labels()).loss() * batch.size();
            if (confusion != null) {
                confusion.add(out, batch.labels());
            } else {
                regression.add(loss.predict(out), batch.labels());
            }
        }
        return new Evaluation(lossSum / rows.size(), rows.size(), confusion, regression);
    }
}
