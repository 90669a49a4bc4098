package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.List;

/**
 * A lookup table of token vectors. Token ids arrive as floats (rows are float arrays) and are
 * rounded to the nearest integer; an id outside [0, vocab_size) is an error that names it.
 * Shapes: ids [B, T] → y [B, T, D], table E [V, D]; forward gathers rows, backward scatter-adds
 * dy into dE (repeated ids accumulate). The ids get no gradient: dx is zero.
 */
public final class Embedding implements Layer {

    /** {@code {"type":"embedding","vocab_size":10000,"dim":64,"init":"glorot_uniform"}}. */
    public record Config(int vocabSize, int dim, Initializer init) implements LayerConfig {
        public Config {
            if (vocabSize < 1) throw new ConfigException("vocab_size", vocabSize, "an integer >= 1");
            if (dim < 1) throw new ConfigException("dim", dim, "an integer >= 1");
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "vocab_size", "dim", "init");
            return new Config(c.requireInt("vocab_size", 1, 1 << 26), c.requireInt("dim", 1, 1 << 20),
                    Initializer.parse(c.field("init"), c.string("init", "glorot_uniform")));
        }

        @Override
        public String type() {
            return "embedding";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new Embedding(this));
        }

        @Override
        public ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("type", type()).put("vocab_size", vocabSize)
                    .put("dim", dim).put("init", init.jsonName());
        }
    }

    private final Config config;
    private INDArray table, tableGrad;
    private INDArray ids, output, inputGrad;
    private long[] inputShape;

    public Embedding(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 1) {
            throw new IllegalArgumentException("embedding expects [time] token ids per sample but got " + Arrays.toString(in));
        }
        return new long[] {in[0], config.dim};
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        return List.of(ParamSpec.weight("E", new long[] {config.vocabSize, config.dim}, config.init, config.vocabSize, config.dim));
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        table = params.reshape('c', config.vocabSize, config.dim);
        tableGrad = grads.reshape('c', config.vocabSize, config.dim);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        inputShape = x.shape();
        ids = Transforms.round(x.reshape(x.length()), true).castTo(DataType.INT32);
        checkRange(ids);
        output = Buffers.reuse(output, table.dataType(), ids.length(), config.dim);
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, ids).addOutputs(output).addIntegerArguments(0).build());
        return output.reshape('c', inputShape[0], inputShape[1], config.dim);
    }

    private void checkRange(INDArray ids) {
        int lo = ids.minNumber().intValue(), hi = ids.maxNumber().intValue();
        if (lo < 0 || hi >= config.vocabSize) {
            throw new IllegalArgumentException("embedding: token id " + (lo < 0 ? lo : hi) + " is outside the vocabulary of "
                    + config.vocabSize + " (ids 0 to " + (config.vocabSize - 1) + ")");
        }
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        INDArray dY = gradOutput.reshape('c', ids.length(), config.dim);
        // dE[id] += dy for every position; the locking flag keeps repeated ids exact.
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(tableGrad, ids, dY).addOutputs(tableGrad)
                .addBooleanArguments(true).build());
        if (!needInputGradient) return null;
        return inputGrad = Buffers.reuse(inputGrad, gradOutput.dataType(), inputShape).assign(0);
    }
}
