package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Adds a position signal to every step of a sequence: a learned table P [T, D], or the fixed
 * sinusoids of "Attention is all you need" (P[t, 2i] = sin(t / 10000^(2i/D)), P[t, 2i+1] = cos(…)).
 * Shapes: x [B, T, D] → y = x + P [B, T, D]; dx = dy; dP += Σ_batch dy (learned only).
 */
public final class PositionalEncoding implements Layer {
    static final List<String> MODES = List.of("learned", "sinusoidal");

    /** {@code {"type":"positional_encoding","mode":"sinusoidal"}}; learned tables start from {@code init}. */
    public record Config(String mode, Initializer init) implements LayerConfig {
        public Config {
            if (!MODES.contains(mode)) throw new ConfigException("mode", mode, "one of " + MODES);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "mode", "init");
            String mode = c.choice("mode", "learned", MODES);
            if (mode.equals("sinusoidal") && c.has("init")) {
                throw new ConfigException(c.field("init"), "only a learned table has an initialiser; remove it or set mode to learned");
            }
            return new Config(mode, Initializer.parse(c.field("init"), c.string("init", "glorot_uniform")));
        }

        @Override
        public String type() {
            return "positional_encoding";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new PositionalEncoding(mode.equals("learned"), init));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("mode", mode);
            return mode.equals("learned") ? n.put("init", init.jsonName()) : n;
        }
    }

    private final boolean learned;
    private final Initializer init;
    private final RowReductions rows = new RowReductions();
    private INDArray table, tableGrad, output;

    public PositionalEncoding(boolean learned, Initializer init) {
        this.learned = learned;
        this.init = init;
    }

    @Override
    public String name() {
        return "positional_encoding";
    }

    @Override
    public long[] outputShape(long[] in) {
        SequenceShape.require(name(), in);
        return in;
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        return learned ? List.of(ParamSpec.weight("P", in.clone(), init, in[0], in[1])) : List.of();
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        long n = in[0] * in[1];
        if (learned) {
            table = params.reshape(1, n);
            tableGrad = grads.reshape(1, n);
        } else {
            table = sinusoids(params.dataType(), in[0], in[1]).reshape(1, n);
        }
    }

    /** The fixed table [T, D], built from whole-array ops: sin(t·f_j + φ_j) with cos(a) = sin(a + π/2) on odd j. */
    static INDArray sinusoids(DataType type, long steps, long dim) {
        INDArray j = Nd4j.arange(0, dim).castTo(DataType.DOUBLE).reshape(1, dim);
        INDArray even = Transforms.floor(j.div(2), false).muli(2);
        INDArray frequency = Transforms.exp(even.mul(-Math.log(10000.0) / dim), false);
        INDArray phase = j.sub(even).muli(Math.PI / 2);
        INDArray t = Nd4j.arange(0, steps).castTo(DataType.DOUBLE).reshape(steps, 1);
        INDArray angle = t.mmul(frequency).addiRowVector(phase);
        return Transforms.sin(angle, false).castTo(type);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        output = Buffers.reuse(output, x.dataType(), x.shape());
        output.assign(x).reshape(x.size(0), table.length()).addiRowVector(table);
        return output;
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (learned) rows.addColumnSums(gradOutput.reshape('c', gradOutput.size(0), table.length()), tableGrad);
        return needInputGradient ? gradOutput : null;
    }
}
