package io.spindle.core.nn;

/**
 * Short factories for layer and merge configs, for the Java builders:
 * {@code node("c1", Layers.conv2d(16, 3, "same", "relu"), "img")}, {@code node("sum", Layers.add(), "c1", "c2")}.
 * Each uses the same defaults as the layer's JSON form.
 */
public final class Layers {
    private Layers() {
    }

    public static Dense.Config dense(int units) {
        return Dense.Config.of(units, ActivationFunction.IDENTITY);
    }

    public static Dense.Config dense(int units, String activation) {
        return Dense.Config.of(units, ActivationFunction.parse("activation", activation));
    }

    public static ActivationLayer.Config activation(String function) {
        ActivationFunction f = ActivationFunction.parse("function", function);
        return new ActivationLayer.Config(f, f.defaultAlpha());
    }

    /** A stride-1 convolution with {@code same} or {@code valid} padding. */
    public static Conv2D.Config conv2d(int filters, int kernelSize, String padding, String activation) {
        return Conv2D.Config.of(filters, kernelSize, padding, ActivationFunction.parse("activation", activation));
    }

    /** A convolution with {@code strides} in both directions (a ResNet's down-sampling conv or 1×1 projection). */
    public static Conv2D.Config conv2d(int filters, int kernelSize, int strides, String padding, String activation) {
        ActivationFunction f = ActivationFunction.parse("activation", activation);
        return new Conv2D.Config(filters, ConvGeometry.square(kernelSize, strides, padding), f, f.defaultAlpha(), Initializer.GLOROT_UNIFORM, true);
    }

    /** Max pooling over {@code size}×{@code size} windows with stride {@code size}, valid padding. */
    public static Pool2D.Config maxPool2d(int size) {
        return Pool2D.Config.of(Pool2D.Kind.MAX, size);
    }

    public static GlobalAveragePool.Config globalAveragePool() {
        return new GlobalAveragePool.Config();
    }

    /** Batch normalisation with Keras' defaults (momentum 0.99, epsilon 1e-3). */
    public static BatchNorm.Config batchNorm() {
        return BatchNorm.Config.defaults();
    }

    public static Dropout.Config dropout(double rate) {
        return new Dropout.Config(rate);
    }

    public static Flatten.Config flatten() {
        return new Flatten.Config();
    }

    public static Reshape.Config reshape(long... shape) {
        return new Reshape.Config(shape);
    }

    /** An LSTM; with {@code returnSequences} it outputs every step, [time, units], else the last, [units]. */
    public static Recurrent.Config lstm(int units, boolean returnSequences) {
        return Recurrent.Config.of(Recurrent.Kind.LSTM, units, returnSequences);
    }

    public static Recurrent.Config gru(int units, boolean returnSequences) {
        return Recurrent.Config.of(Recurrent.Kind.GRU, units, returnSequences);
    }

    public static Recurrent.Config simpleRnn(int units, boolean returnSequences) {
        return Recurrent.Config.of(Recurrent.Kind.SIMPLE_RNN, units, returnSequences);
    }

    /** Token ids [T] → vectors [T, dim]. */
    public static Embedding.Config embedding(int vocabSize, int dim) {
        return new Embedding.Config(vocabSize, dim, Initializer.GLOROT_UNIFORM);
    }

    /** {@code learned} or {@code sinusoidal} positions added to [T, D]. */
    public static PositionalEncoding.Config positionalEncoding(String mode) {
        return new PositionalEncoding.Config(mode, Initializer.GLOROT_UNIFORM);
    }

    public static LayerNorm.Config layerNorm() {
        return new LayerNorm.Config(LayerNorm.Config.DEFAULT_EPSILON);
    }

    /** Self-attention over [T, D] with key size D / heads. */
    public static MultiHeadSelfAttention.Config multiHeadAttention(int heads, boolean causal) {
        return MultiHeadSelfAttention.Config.of(heads, causal);
    }

    /** A pre-norm encoder block (relu feed-forward of {@code ffUnits}, no dropout). */
    public static TransformerEncoderBlock.Config transformerEncoder(int heads, int ffUnits) {
        return TransformerEncoderBlock.Config.of(heads, ffUnits);
    }

    /** [T, D] → [D] by {@code mean} or {@code last}. */
    public static SequencePool.Config sequencePool(String mode) {
        return new SequencePool.Config(mode);
    }

    /** The element-wise sum of two or more inputs of one shape (a residual connection). */
    public static MergeConfig add() {
        return MergeConfig.add();
    }

    /** The element-wise product of two or more inputs of one shape. */
    public static MergeConfig multiply() {
        return MergeConfig.multiply();
    }

    /** Concatenation on the channel axis of images [C, H, W], on the last axis otherwise. */
    public static MergeConfig concatenate() {
        return MergeConfig.concatenate();
    }

    /** Concatenation on per-sample axis {@code axis} (negative counts from the end). */
    public static MergeConfig concatenate(int axis) {
        return MergeConfig.concatenate(axis);
    }
}
