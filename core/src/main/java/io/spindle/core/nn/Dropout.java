package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Elementwise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Inverted dropout: in training each element is kept with probability {@code 1 - rate} and
 * scaled by {@code 1 / (1 - rate)}; at inference it is the identity.
 * Shapes: any [B, ...] in, the same shape out. The mask comes from a seeded native RNG; on contiguous arrays it stays
 * 0/1 and each pass applies it and the scale in one Java loop ({@link Elementwise#applyDropout}).
 */
public final class Dropout implements Layer {

    /** {@code {"type":"dropout","rate":0.2}}. */
    public record Config(double rate) implements LayerConfig {
        public Config {
            if (!(rate >= 0 && rate < 1)) {
                throw new io.spindle.core.config.ConfigException("rate", rate, "a number >= 0 and < 1");
            }
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "rate");
            if (!c.has("rate")) throw new io.spindle.core.config.ConfigException(c.field("rate"), "required field is missing; a number >= 0 and < 1");
            double rate = c.number("rate", 0, 0, false, 1);
            if (rate >= 1) throw new io.spindle.core.config.ConfigException(c.field("rate"), rate, "a number >= 0 and < 1");
            return new Config(rate);
        }

        @Override
        public String type() {
            return "dropout";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new Dropout(rate, seed));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("rate", rate);
        }
    }

    private final double rate;
    private final Random rng;
    private final long seed;
    private INDArray mask, output, inputGrad;
    private boolean masked, scaledMask;   // scaledMask: the mask holds 0 and 1 / keep (native path), not 0 and 1

    public Dropout(double rate, long seed) {
        this.rate = rate;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        this.seed = seed;
    }

    /**
     * Makes the masks of global step {@code step} a function of (seed, step) alone, so a run resumed
     * from a checkpoint draws the masks the uninterrupted run would have drawn.
     */
    public void seedForStep(long step) {
        rng.setSeed(seed * 0x9E3779B97F4A7C15L + step);
    }

    /** Restarts the mask sequence; the gradient check uses it to see the same mask on every forward. */
    public void reseed(long seed) {
        rng.setSeed(seed);
    }

    @Override
    public String name() {
        return "dropout";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return inputShape;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        masked = training && rate > 0;
        if (!masked) return x;
        mask = Buffers.reuse(mask, x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1.0 - rate), rng);
        output = Buffers.reuse(output, x.dataType(), x.shape());
        scaledMask = !Elementwise.applies(x, mask, output);
        if (!scaledMask) {
            Elementwise.applyDropout(x, mask, output, 1.0 - rate);
            return output;
        }
        mask.divi(1.0 - rate);
        return output.assign(x).muli(mask);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        if (!masked) return gradOutput;
        inputGrad = Buffers.reuse(inputGrad, gradOutput.dataType(), gradOutput.shape());
        if (!scaledMask && Elementwise.applies(gradOutput, mask, inputGrad)) {
            Elementwise.applyDropout(gradOutput, mask, inputGrad, 1.0 - rate);
            return inputGrad;
        }
        if (!scaledMask) {   // a strided gradient after a contiguous forward
            mask.divi(1.0 - rate);
            scaledMask = true;
        }
        return inputGrad.assign(gradOutput).muli(mask);
    }
}
