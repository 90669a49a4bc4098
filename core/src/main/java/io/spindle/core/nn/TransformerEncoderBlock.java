package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A transformer encoder block built from the attention-family layers. Pre-norm (the default):
 * {@code h = x + Drop(MHSA(LN(x)))}, {@code y = h + Drop(FF(LN(h)))}; post-norm (the original paper):
 * {@code h = LN(x + Drop(MHSA(x)))}, {@code y = LN(h + Drop(FF(h)))}; FF = dense(ff_units, act) → dense(D).
 * Pre-norm is the default because its residual path is the identity, so gradients reach early blocks
 * unscaled and Adam trains it without a learning-rate warm-up (Xiong et al. 2020; GPT-2, ViT).
 * Shapes: x [B, T, D] → y [B, T, D].
 */
public final class TransformerEncoderBlock implements Layer {
    static final List<String> NORMS = List.of("pre", "post");
    static final List<String> ACTIVATIONS = List.of("relu", "gelu");

    /**
     * {@code {"type":"transformer_encoder","heads":4,"ff_units":128,"activation":"relu","dropout":0.1,"norm":"pre"}};
     * key_size 0 means D / heads, ff_units 0 means 4·D.
     */
    public record Config(int heads, int keySize, int ffUnits, ActivationFunction activation, double dropout,
                         String norm, boolean causal, double epsilon) implements LayerConfig {
        public Config {
            if (heads < 1) throw new ConfigException("heads", heads, "an integer >= 1");
            if (keySize < 0) throw new ConfigException("key_size", keySize, "an integer >= 1, or 0 for features / heads");
            if (ffUnits < 0) throw new ConfigException("ff_units", ffUnits, "an integer >= 1, or 0 for 4 × features");
            if (!ACTIVATIONS.contains(activation.jsonName())) throw new ConfigException("activation", activation.jsonName(), "one of " + ACTIVATIONS);
            if (!(dropout >= 0 && dropout < 1)) throw new ConfigException("dropout", dropout, "a number >= 0 and < 1");
            if (!NORMS.contains(norm)) throw new ConfigException("norm", norm, "one of " + NORMS);
            new LayerNorm.Config(epsilon);
        }

        public static Config of(int heads, int ffUnits) {
            return new Config(heads, 0, ffUnits, ActivationFunction.RELU, 0, "pre", false, LayerNorm.Config.DEFAULT_EPSILON);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "heads", "key_size", "ff_units", "activation", "dropout", "norm", "causal", "epsilon");
            String act = c.choice("activation", "relu", ACTIVATIONS);
            double rate = c.number("dropout", 0, 0, false, 1);
            if (rate >= 1) throw new ConfigException(c.field("dropout"), rate, "a number >= 0 and < 1");
            return new Config(c.requireInt("heads", 1, 4096), c.integer("key_size", 0, 1, 1 << 16), c.integer("ff_units", 0, 1, 1 << 24),
                    ActivationFunction.parse(c.field("activation"), act), rate, c.choice("norm", "pre", NORMS), c.bool("causal", false),
                    c.number("epsilon", LayerNorm.Config.DEFAULT_EPSILON, 0, true, 1));
        }

        @Override
        public String type() {
            return "transformer_encoder";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new TransformerEncoderBlock(this, seed));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("heads", heads);
            if (keySize > 0) n.put("key_size", keySize);
            if (ffUnits > 0) n.put("ff_units", ffUnits);
            return n.put("activation", activation.jsonName()).put("dropout", dropout).put("norm", norm)
                    .put("causal", causal).put("epsilon", epsilon);
        }
    }

    private final Config config;
    private final long seed;
    private LayerChain parts;
    private long partsWidth = -1;

    public TransformerEncoderBlock(Config config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "transformer_encoder";
    }

    /** The sub-layers need D (the second dense maps back to it), so they are made once the input shape is known. */
    private LayerChain parts(long[] in) {
        SequenceShape.require(name(), in);
        if (parts != null && partsWidth == in[1]) return parts;
        int d = Math.toIntExact(in[1]);
        List<Layer> attention = new ArrayList<>(new MultiHeadSelfAttention.Config(config.heads, config.keySize, config.causal, true,
                Initializer.GLOROT_UNIFORM).build(seed));
        List<Layer> feedForward = new ArrayList<>(Dense.Config.of(config.ffUnits > 0 ? config.ffUnits : 4 * d, config.activation).build(seed));
        feedForward.addAll(Dense.Config.of(d, ActivationFunction.IDENTITY).build(seed));
        if (config.dropout > 0) {
            attention.add(new Dropout(config.dropout, seed * 31 + 1));
            feedForward.add(new Dropout(config.dropout, seed * 31 + 2));
        }
        List<Layer> all = new ArrayList<>();
        if (config.norm.equals("pre")) {
            attention.add(0, new LayerNorm(config.epsilon));
            feedForward.add(0, new LayerNorm(config.epsilon));
            all.add(new Residual("attention", attention));
            all.add(new Residual("feed_forward", feedForward));
        } else {
            all.add(new Residual("attention", attention));
            all.add(new LayerNorm(config.epsilon));
            all.add(new Residual("feed_forward", feedForward));
            all.add(new LayerNorm(config.epsilon));
        }
        parts = new LayerChain(all);
        partsWidth = in[1];
        return parts;
    }

    @Override
    public long[] outputShape(long[] in) {
        return parts(in).outputShape(in);
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        return parts(in).params(in);
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        parts(in).bind(in, params, grads);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        return parts.forward(x, training);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        return parts.backward(gradOutput, needInputGradient);
    }

    /** The sub-layers (two residual blocks, plus the two layer norms when post-norm), once the block is bound. */
    public List<Layer> layers() {
        return parts == null ? List.of() : parts.layers();
    }
}
