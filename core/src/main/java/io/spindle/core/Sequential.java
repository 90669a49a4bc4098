package io.spindle.core;

import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Dataset;
import io.spindle.core.io.ModelFile;
import io.spindle.core.io.Provenance;
import io.spindle.core.io.SavedModel;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.ActivationLayer;
import io.spindle.core.nn.BatchNorm;
import io.spindle.core.nn.Conv2D;
import io.spindle.core.nn.Dense;
import io.spindle.core.nn.Dropout;
import io.spindle.core.nn.Flatten;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.Pool2D;
import io.spindle.core.nn.Recurrent;
import io.spindle.core.nn.Reshape;
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
 * {@code fit}/{@code evaluate}/{@code predict}/{@code save}.
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
        return new Sequential(Network.initialized(model, seed, DataType.FLOAT), loss, optimizer, seed);
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
    public static final class Builder {
        private final long[] inputShape;
        private final List<LayerConfig> layers = new ArrayList<>();
        private Loss loss = Loss.softmaxCrossEntropy();
        private OptimizerConfig optimizer = OptimizerConfig.adam(1e-3);
        private long seed = 42;
        private DataType dataType = DataType.FLOAT;

        private Builder(long[] inputShape) {
            this.inputShape = inputShape.clone();
        }

        public Builder add(LayerConfig layer) {
            layers.add(layer);
            return this;
        }

        public Builder dense(int units) {
            return add(Dense.Config.of(units, ActivationFunction.IDENTITY));
        }

        public Builder dense(int units, String activation) {
            return add(Dense.Config.of(units, ActivationFunction.parse("activation", activation)));
        }

        public Builder activation(String function) {
            ActivationFunction f = ActivationFunction.parse("function", function);
            return add(new ActivationLayer.Config(f, f.defaultAlpha()));
        }

        /** A stride-1 convolution with {@code same} or {@code valid} padding; see {@link Conv2D.Config} for the rest. */
        public Builder conv2d(int filters, int kernelSize, String padding, String activation) {
            return add(Conv2D.Config.of(filters, kernelSize, padding, ActivationFunction.parse("activation", activation)));
        }

        /** Max pooling over {@code size}×{@code size} windows with stride {@code size}, valid padding. */
        public Builder maxPool2d(int size) {
            return add(Pool2D.Config.of(Pool2D.Kind.MAX, size));
        }

        /** Batch normalisation with Keras' defaults (momentum 0.99, epsilon 1e-3). */
        public Builder batchNorm() {
            return add(BatchNorm.Config.defaults());
        }

        public Builder dropout(double rate) {
            return add(new Dropout.Config(rate));
        }

        public Builder flatten() {
            return add(new Flatten.Config());
        }

        public Builder reshape(long... shape) {
            return add(new Reshape.Config(shape));
        }

        /** An LSTM over [time, features] that outputs its last step [units]. */
        public Builder lstm(int units) {
            return lstm(units, false);
        }

        /** An LSTM; with {@code returnSequences} it outputs every step, [time, units]. */
        public Builder lstm(int units, boolean returnSequences) {
            return add(Recurrent.Config.of(Recurrent.Kind.LSTM, units, returnSequences));
        }

        public Builder gru(int units) {
            return gru(units, false);
        }

        public Builder gru(int units, boolean returnSequences) {
            return add(Recurrent.Config.of(Recurrent.Kind.GRU, units, returnSequences));
        }

        public Builder simpleRnn(int units) {
            return simpleRnn(units, false);
        }

        public Builder simpleRnn(int units, boolean returnSequences) {
            return add(Recurrent.Config.of(Recurrent.Kind.SIMPLE_RNN, units, returnSequences));
        }

        public Builder loss(String name) {
            return loss(Loss.parse("loss", name));
        }

        public Builder loss(Loss loss) {
            this.loss = loss;
            return this;
        }

        public Builder optimizer(OptimizerConfig optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** FLOAT for training (the default); DOUBLE for gradient checks. */
        public Builder dataType(DataType type) {
            this.dataType = type;
            return this;
        }

        public Sequential build() {
            ModelConfig cfg = new ModelConfig(inputShape, layers);
            return new Sequential(Network.initialized(cfg, seed, dataType), loss, optimizer, seed);
        }
    }
}
