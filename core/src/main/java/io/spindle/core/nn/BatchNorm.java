package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;

/**
 * Batch normalisation over axis 1 (channels of NCHW images, or features of [B, F]) with libnd4j's
 * batchnorm / batchnorm_bp. Training normalises with the batch's mean and (biased) variance and
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
    private INDArray input, batchMean, batchVar;
    private int[] reduceAxes;

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
        reduceAxes = in.length == 1 ? new int[] {0} : new int[] {0, 2, 3};
    }

    private static INDArray slice(INDArray flat, int block, long c) {
        return flat.get(NDArrayIndex.interval(block * c, (block + 1) * c)).reshape(c);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (!training) return normalize(x, runningMean, runningVar);
        input = x;
        batchMean = x.mean(reduceAxes);
        batchVar = x.var(false, reduceAxes);
        // running = momentum·running + (1 − momentum)·batch, as Keras does (with the biased batch variance).
        Nd4j.exec(new Axpy(batchMean, runningMean.muli(config.momentum), runningMean, 1 - config.momentum));
        Nd4j.exec(new Axpy(batchVar, runningVar.muli(config.momentum), runningVar, 1 - config.momentum));
        return normalize(x, batchMean, batchVar);
    }

    private INDArray normalize(INDArray x, INDArray mean, INDArray var) {
        return Nd4j.exec(DynamicCustomOp.builder("batchnorm").addInputs(x, mean, var, gamma, beta)
                .addIntegerArguments(1, 1, 1).addFloatingPointArguments(config.epsilon).build())[0];
    }

    /** batchnorm_bp differentiates through the batch mean and variance too; outputs [dx, dMean, dVar, dGamma, dBeta]. */
    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray[] g = Nd4j.exec(DynamicCustomOp.builder("batchnorm_bp").addInputs(input, batchMean, batchVar, gamma, beta, gradOutput)
                .addIntegerArguments(1, 1, 1).addFloatingPointArguments(config.epsilon).build());
        gammaGrad.addi(g[3]);
        betaGrad.addi(g[4]);
        return needInputGradient ? g[0] : null;
    }
}
