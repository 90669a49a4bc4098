package io.spindle.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The batch-mean loss and dLoss/dOutput. */
public record LossResult(double loss, INDArray gradient) {
}
