package io.spindle.core;

import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.io.ModelFile;
import io.spindle.core.io.Provenance;
import io.spindle.core.io.SavedModel;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.LossPairing;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.NamedParameter;
import io.spindle.core.model.Network;
import io.spindle.core.nn.Conv2D;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.Layers;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.core.train.History;
import io.spindle.core.train.Trainer;
import io.spindle.core.train.TrainingConfig;
import io.spindle.core.train.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Keras-like entry point: stack layers, pick a loss and an optimizer, then
 * {@code fit}/{@code evaluate}/{@code predict}/{@code save}. It is the trainable model of every architecture:
 * {@link Graph} builds one that is not a plain stack (residual, multi-input).
 * <pre>{@code
 * Sequential model = Sequential.builder(784).dense(256, "relu").dense(10)
 *     .loss("softmax_cross_entropy").optimizer(OptimizerConfig.adam(1e-3)).seed(42).build();
 * History h = model.fit(train, test, TrainingConfig.of(5, 128, 42), TrainingListener.NONE);
 * }</pre>
 */
public final class Sequential {
    public static final String VERSION = "0.1.0";

    private final Network network;
    private final Loss loss;
    private final OptimizerConfig optimizerConfig;
    private final Optimizer optimizer;
    private final long seed;
    private String dataFingerprint = "";
    private long steps;
    private int epochsTrained;

    private Sequential(Network network, Loss loss, OptimizerConfig optimizerConfig, long seed) {
        this.network = network;
        this.loss = loss;
        this.optimizerConfig = optimizerConfig;
        this.optimizer = optimizerConfig.create(network.layout(), network.dataType());
        this.seed = seed;
    }

    public static Builder builder(long... inputShape) {
        return new Builder(inputShape);
    }

    /** A model over an architecture read from a job file. */
    public static Sequential of(ModelConfig model, Loss loss, OptimizerConfig optimizer, long seed) {
        return create(model, loss, optimizer, seed, DataType.FLOAT);
    }

    /** A model over any architecture (a {@link Graph} builds a graph) in {@code dataType}. */
    static Sequential create(ModelConfig model, Loss loss, OptimizerConfig optimizer, long seed, DataType dataType) {
        LossPairing.check(model, loss);
        return new Sequential(Network.initialized(model, seed, dataType), loss, optimizer, seed);
    }

    public History fit(Dataset train, int epochs, int batchSize) {
        return fit(train, null, TrainingConfig.of(epochs, batchSize, seed), TrainingListener.NONE);
    }

    /** Trains in this process; {@code validation} may be null. */
    public History fit(Dataset train, Dataset validation, TrainingConfig config, TrainingListener listener) {
        History h = new Trainer(network, loss, optimizer, config).fit(train, validation, listener);
        dataFingerprint = train.fingerprint();
        epochsTrained += h.epochs().size();
        steps = optimizer.iteration();
        return h;
    }

    public Evaluation evaluate(Dataset data) {
        return Evaluator.evaluate(network, loss, data, 512);
    }

    /** Predictions for rows of features [N, ...]: class probabilities for classification, values otherwise. */
    public INDArray predict(INDArray features) {
        INDArray x = features.dataType() == network.dataType() ? features : features.castTo(network.dataType());
        long n = x.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (long from = 0; from < n; from += 512) {
            INDArray rows = x.get(NDArrayIndex.interval(from, Math.min(n, from + 512)));
            parts.add(loss.predict(network.forward(rows, false)).dup());
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /** The model with its provenance, ready for {@link ModelFile}. */
    public SavedModel toSavedModel(int workers) {
        Provenance p = new Provenance(VERSION, seed, workers, dataFingerprint, Instant.now().toString(), steps, epochsTrained);
        return new SavedModel(network.config(), loss.name(), optimizerConfig.toJson(), network.params(),
                optimizer.state(), optimizer.iteration(), p);
    }

    /** Rebuilds a model (parameters and optimizer state) from a model file's contents. */
    public static Sequential fromSaved(SavedModel saved) {
        long seed = saved.provenance().seed();
        Network net = Network.withParams(saved.model(), saved.params(), seed);
        OptimizerConfig opt = OptimizerConfig.fromJson(new ConfigNode(saved.optimizer(), "optimizer"));
        Sequential s = new Sequential(net, Loss.parse("loss", saved.loss()), opt, seed);
        if (saved.optimizerState().length() > 0) s.optimizer.restore(saved.optimizerState(), saved.optimizerIteration());
        s.dataFingerprint = saved.provenance().dataFingerprint();
        s.steps = saved.provenance().steps();
        s.epochsTrained = saved.provenance().epochs();
        return s;
    }

    public void save(Path file) throws IOException {
        ModelFile.save(toSavedModel(1), file);
    }

    public static Sequential load(Path file) throws IOException {
        return fromSaved(ModelFile.load(file));
    }

    /** Every named parameter ({@code c1.W}) with its shape; the README's table documents each layer's layout. */
    public List<NamedParameter> parameters() {
        return network.parameters();
    }

    /** A view of parameter {@code name} in its documented shape: writing to it changes the model. */
    public INDArray parameter(String name) {
        return network.parameter(name);
    }

    /** Sets parameter {@code name}, e.g. to weights imported from another framework. */
    public void setParameter(String name, INDArray values) {
        network.setParameter(name, values);
    }

    public Network network() {
        return network;
    }

    public Loss loss() {
        return loss;
    }

    public OptimizerConfig optimizerConfig() {
        return optimizerConfig;
    }

    public long seed() {
        return seed;
    }

    /** Collects layers and settings; {@link #build} validates the whole stack at once. */
    public static final class Builder extends ModelBuilder<Builder> {
        private final long[] inputShape;
        private final List<LayerConfig> layers = new ArrayList<>();

        private Builder(long[] inputShape) {
            this.inputShape = inputShape.clone();
        }

        public Builder add(LayerConfig layer) {
            layers.add(layer);
            return this;
        }

        public Builder dense(int units) {
            return add(Layers.dense(units));
        }

        public Builder dense(int units, String activation) {
            return add(Layers.dense(units, activation));
        }

        public Builder activation(String function) {
            return add(Layers.activation(function));
        }

        /** A stride-1 convolution with {@code same} or {@code valid} padding; see {@link Conv2D.Config} for the rest. */
        public Builder conv2d(int filters, int kernelSize, String padding, String activation) {
            return add(Layers.conv2d(filters, kernelSize, padding, activation));
        }

        /** Max pooling over {@code size}×{@code size} windows with stride {@code size}, valid padding. */
        public Builder maxPool2d(int size) {
            return add(Layers.maxPool2d(size));
        }

        /** Batch normalisation with Keras' defaults (momentum 0.99, epsilon 1e-3). */
        public Builder batchNorm() {
            return add(Layers.batchNorm());
        }

        public Builder dropout(double rate) {
            return add(Layers.dropout(rate));
        }

        public Builder flatten() {
            return add(Layers.flatten());
        }

        public Builder reshape(long... shape) {
            return add(Layers.reshape(shape));
        }

        /** An LSTM over [time, features] that outputs its last step [units]. */
        public Builder lstm(int units) {
            return lstm(units, false);
        }

        /** An LSTM; with {@code returnSequences} it outputs every step, [time, units]. */
        public Builder lstm(int units, boolean returnSequences) {
            return add(Layers.lstm(units, returnSequences));
        }

        public Builder gru(int units) {
            return gru(units, false);
        }

        public Builder gru(int units, boolean returnSequences) {
            return add(Layers.gru(units, returnSequences));
        }

        public Builder simpleRnn(int units) {
            return simpleRnn(units, false);
        }

        public Builder simpleRnn(int units, boolean returnSequences) {
            return add(Layers.simpleRnn(units, returnSequences));
        }

        /** Token ids [T] → vectors [T, dim]. */
        public Builder embedding(int vocabSize, int dim) {
            return add(Layers.embedding(vocabSize, dim));
        }

        /** {@code learned} or {@code sinusoidal} positions added to [T, D]. */
        public Builder positionalEncoding(String mode) {
            return add(Layers.positionalEncoding(mode));
        }

        public Builder layerNorm() {
            return add(Layers.layerNorm());
        }

        /** Self-attention over [T, D] with key size D / heads. */
        public Builder multiHeadAttention(int heads, boolean causal) {
            return add(Layers.multiHeadAttention(heads, causal));
        }

        /** A pre-norm encoder block (relu feed-forward of {@code ffUnits}, no dropout); {@link #add} takes the full config. */
        public Builder transformerEncoder(int heads, int ffUnits) {
            return add(Layers.transformerEncoder(heads, ffUnits));
        }

        /** [T, D] → [D] by {@code mean} or {@code last}. */
        public Builder sequencePool(String mode) {
            return add(Layers.sequencePool(mode));
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        public ModelConfig config() {
            return new ModelConfig(inputShape, layers);
        }
    }
}
