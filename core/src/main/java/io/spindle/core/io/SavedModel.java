package io.spindle.core.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.model.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything a model file holds: the architecture, the loss and optimizer configuration (as JSON),
 * the flat parameters, the optimizer's flat state and step count, and the provenance.
 * {@code optimizerState} may be empty (length 0) for optimizers without state.
 */
public record SavedModel(ModelConfig model, String loss, ObjectNode optimizer, INDArray params,
                         INDArray optimizerState, long optimizerIteration, Provenance provenance) {
}
