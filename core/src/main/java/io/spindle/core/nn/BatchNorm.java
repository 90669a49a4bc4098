package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;

/**
 * Batch normalisation over axis 1 (channels of NCHW images, or features of [B, F]): float batches in Java passes
 * ({@link ChannelNormKernel}, {@link FeatureNormKernel}), double (the gradient checks) on native ND4J element-wise ops
 * and reductions. Training normalises with the batch's mean and (biased) variance and
 * folds them into running averages; inference uses the running averages (Keras semantics).
 * Shapes: x [B, C, H, W] or [B, C]; gamma, beta, running mean, running variance [C]; y like x.
 * The running statistics are non-trainable blocks of the flat buffer, so they are saved with the model.
 */
public final class BatchNorm implements Layer {

    /** {@code {"type":"batch_norm","momentum":0.99,"epsilon":0.001}} (Keras' defaults). */
    public record Config(double momentum, double epsilon) implements LayerConfig {
        public static final double DEFAULT_MOMENTUM = 0.99;
        public static final double DEFAULT_EPSILON = 1e-3;

        public Config {
            if (!(momentum >= 0 && momentum < 1)) throw new ConfigException("momentum", momentum, "a number >= 0 and < 1");
            if (!(epsilon > 0 && epsilon < 1)) throw new ConfigException("epsilon", epsilon, "a number > 0 and < 1");
        }

        public static Config defaults() {
            return new Config(DEFAULT_MOMENTUM, DEFAULT_EPSILON);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "momentum", "epsilon");
            return new Config(c.number("momentum", DEFAULT_MOMENTUM, 0, false, 1), c.number("epsilon", DEFAULT_EPSILON, 0, true, 1));
        }

        @Override
        public String type() {
            return "batch_norm";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new BatchNorm(this));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("momentum", momentum).put("epsilon", epsilon);
        }
    }

    private final Config config;
    private INDArray gamma, beta, runningMean, runningVar, gammaGrad, betaGrad;
    private INDArray normalized, output, inputGrad, product, invStd;
    private Channels channels;
    /** The Java passes for float batches; null until the first one, and for other inputs. */
    private FloatNormKernel kernel;
    private boolean kernelRan;

    public BatchNorm(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "batch_norm";
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 1 && in.length != 3) {
            throw new IllegalArgumentException("batch_norm expects [features] or [channels, height, width] per sample but got "
                    + Arrays.toString(in));
        }
        return in.clone();
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        long c = in[0];
        return List.of(ParamSpec.bias("gamma", c, Initializer.ONES), ParamSpec.bias("beta", c, Initializer.ZEROS),
                ParamSpec.state("running_mean", c, Initializer.ZEROS), ParamSpec.state("running_variance", c, Initializer.ONES));
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        long c = in[0];
        gamma = slice(params, 0, c);
        beta = slice(params, 1, c);
        runningMean = slice(params, 2, c);
        runningVar = slice(params, 3, c);
        gammaGrad = slice(grads, 0, c);
        betaGrad = slice(grads, 1, c);
    }

    private static INDArray slice(INDArray flat, int block, long c) {
        return flat.get(NDArrayIndex.interval(block * c, (block + 1) * c)).reshape(c);
    }

    // Forward: x̂ = (x − μ)·s with s = 1/sqrt(σ² + ε), y = γ·x̂ + β; μ, σ² from the batch in training
    // (moments op, biased variance), the running averages at inference.
    @Override
    public INDArray forward(INDArray x, boolean training) {
        output = Buffers.reuse(output, x.dataType(), x.shape());
        boolean images = FloatNormKernel.applies(4, x, gamma, beta, runningMean, runningVar, gammaGrad, betaGrad);
        kernelRan = images || FloatNormKernel.applies(2, x, gamma, beta, runningMean, runningVar, gammaGrad, betaGrad);
        if (kernelRan) {
            if (kernel == null || kernel instanceof ChannelNormKernel != images) {
                kernel = images ? new ChannelNormKernel((int) gamma.length()) : new FeatureNormKernel((int) gamma.length());
            }
            if (training) kernel.forwardTraining(x, output, gamma, beta, runningMean, runningVar, config.momentum, config.epsilon);
            else kernel.forwardInference(x, output, gamma, beta, runningMean, runningVar, config.epsilon);
            return output;
        }
        channels = new Channels(x);
        INDArray y = channels.rows(output);
        if (!training) {
            // y = x·(γ·s) + (β − μ·γ·s): two passes
            INDArray scale = inverseStd(runningVar).muli(gamma);
            channels.mul(y.assign(channels.rows(x)), scale);
            channels.add(y, beta.sub(runningMean.mul(scale)));
            return output;
        }
        INDArray[] moments = Nd4j.exec(DynamicCustomOp.builder("moments").addInputs(x).addIntegerArguments(channels.reduceAxes()).build());
        INDArray mean = moments[0].reshape(gamma.length()), var = moments[1].reshape(gamma.length());
        // running = momentum·running + (1 − momentum)·batch, as Keras does (with the biased batch variance).
        Nd4j.exec(new Axpy(mean, runningMean.muli(config.momentum), runningMean, 1 - config.momentum));
        Nd4j.exec(new Axpy(var, runningVar.muli(config.momentum), runningVar, 1 - config.momentum));
        invStd = inverseStd(var);
        normalized = Buffers.reuse(normalized, x.dataType(), x.shape());
        INDArray xhat = channels.rows(normalized);
        channels.add(xhat.assign(channels.rows(x)), mean.negi());
        channels.mul(xhat, invStd);
        channels.add(channels.mul(y.assign(xhat), gamma), beta);
        return output;
    }

    private INDArray inverseStd(INDArray var) {
        return Transforms.sqrt(var.add(config.epsilon), false).rdivi(1.0);
    }

    // Backward (sums over batch and positions, N of them): dβ = Σ dy, dγ = Σ dy·x̂,
    // dx = γ·s · (dy − dβ/N − x̂·dγ/N). libnd4j's batchnorm_bp gives the same, several times slower than
    // these passes on image batches (bench/RESULTS.md).
    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (kernelRan) {
            INDArray dy = Memory.isContiguous(gradOutput) ? gradOutput : gradOutput.dup('c');
            inputGrad = needInputGradient ? Buffers.reuse(inputGrad, dy.dataType(), dy.shape()) : null;
            kernel.backward(dy, inputGrad, gamma, gammaGrad, betaGrad);
            return inputGrad;
        }
        INDArray dy = channels.rows(gradOutput.ordering() == 'c' ? gradOutput : gradOutput.dup('c'));
        INDArray xhat = channels.rows(normalized);
        product = Buffers.reuse(product, normalized.dataType(), normalized.shape());
        INDArray dBeta = channels.sum(dy);
        INDArray dGamma = channels.sum(channels.rows(product).assign(dy).muli(xhat));
        gammaGrad.addi(dGamma);
        betaGrad.addi(dBeta);
        if (!needInputGradient) return null;
        double n = channels.perChannel;
        inputGrad = Buffers.reuse(inputGrad, normalized.dataType(), normalized.shape());
        INDArray dx = channels.rows(inputGrad);
        channels.mul(dx.assign(xhat), dGamma.div(-n));
        dx.addi(dy);
        channels.add(dx, dBeta.div(-n));
        channels.mul(dx, invStd.mul(gamma));
        return inputGrad;
    }

    /**
     * The per-channel arithmetic on a 2-D view where it is fast: [B·C, H·W] for images (a channel's values
     * are contiguous rows, so per-channel factors are column vectors) or [B, F] (per-feature row vectors).
     * libnd4j's broadcast along axis 1 of a 4-D array walks strided slices and is several times slower.
     */
    private static final class Channels {
        final boolean images;
        final long batch, count, perChannel;

        Channels(INDArray x) {
            images = x.rank() == 4;
            batch = x.size(0);
            count = x.size(1);
            perChannel = x.length() / count;
        }

        int[] reduceAxes() {
            return images ? new int[] {0, 2, 3} : new int[] {0};
        }

        INDArray rows(INDArray a) {
            return images ? a.reshape('c', batch * count, a.length() / (batch * count)) : a;
        }

        /** Σ over everything but the channel: [C]. */
        INDArray sum(INDArray rows) {
            return images ? rows.sum(1).reshape(batch, count).sum(0) : rows.sum(0);
        }

        INDArray mul(INDArray rows, INDArray perChannel) {
            return images ? rows.muliColumnVector(tiled(perChannel)) : rows.muliRowVector(perChannel);
        }

        INDArray add(INDArray rows, INDArray perChannel) {
            return images ? rows.addiColumnVector(tiled(perChannel)) : rows.addiRowVector(perChannel);
        }

        /** [C] → [B·C, 1]: row b·C + c holds value c. */
        private INDArray tiled(INDArray v) {
            return v.reshape(1, count).repeat(0, batch).reshape('c', batch * count, 1);
        }
    }
}
