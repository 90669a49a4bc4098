package io.spindle.core;

import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.optim.OptimizerConfig;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The training settings both builders share ({@link Sequential.Builder} for a stack, {@link Graph.Builder}
 * for a graph): loss, optimizer, seed and data type, and building the model from the architecture.
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> {
    private Loss loss = Loss.softmaxCrossEntropy();
    private OptimizerConfig optimizer = OptimizerConfig.adam(1e-3);
    private long seed = 42;
    private DataType dataType = DataType.FLOAT;

    ModelBuilder() {
    }

    /** This builder, typed as its subclass, for chaining. */
    abstract B self();

    /** The checked architecture, as a job file's {@code model} section would hold it. */
    public abstract ModelConfig config();

    public B loss(String name) {
        return loss(Loss.parse("loss", name));
    }

    public B loss(Loss loss) {
        this.loss = loss;
        return self();
    }

    public B optimizer(OptimizerConfig optimizer) {
        this.optimizer = optimizer;
        return self();
    }

    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /** FLOAT for training (the default); DOUBLE for gradient checks. */
    public B dataType(DataType type) {
        this.dataType = type;
        return self();
    }

    /** Checks the architecture and the loss together and draws the initial weights from the seed. */
    public Sequential build() {
        return Sequential.create(config(), loss, optimizer, seed, dataType);
    }
}
