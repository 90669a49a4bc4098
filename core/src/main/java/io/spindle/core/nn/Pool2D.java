package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.MaxPoolRows;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Max or average pooling over NCHW images with libnd4j's maxpool2d/avgpool2d and their _bp ops; 2×2 max pooling at
 * stride 2 of float images in Java passes ({@link MaxPoolRows}), which keep each window's winner for the backward.
 * Shapes: x [B, C, H, W] → y [B, C, H', W']. Average pooling with {@code same} padding divides by
 * the number of real (unpadded) inputs, as Keras does.
 */
public final class Pool2D implements Layer {

    /** Which reduction. */
    public enum Kind {
        MAX("max_pool2d", "maxpool2d"), AVG("avg_pool2d", "avgpool2d");

        final String jsonName;
        final String op;

        Kind(String jsonName, String op) {
            this.jsonName = jsonName;
            this.op = op;
        }
    }

    /** {@code {"type":"max_pool2d","pool_size":2,"strides":2,"padding":"valid"}} (strides default to pool_size). */
    public record Config(Kind kind, ConvGeometry geometry) implements LayerConfig {
        /** {@code size}×{@code size} windows with stride {@code size} and valid padding, for the Java builder. */
        public static Config of(Kind kind, int size) {
            return new Config(kind, ConvGeometry.square(size, size, "valid"));
        }

        static Config fromJson(ConfigNode c, Kind kind) {
            c.rejectUnknown("type", "pool_size", "strides", "padding", "dilation");
            return new Config(kind, ConvGeometry.fromJson(c, "pool_size", 2, 0));
        }

        @Override
        public String type() {
            return kind.jsonName;
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new Pool2D(this));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type());
            geometry.writeJson(n, "pool_size");
            return n;
        }
    }

    private final Config config;
    private INDArray input, output, inputGrad;
    /** Each output's winner in its window when the Java passes ran the last forward, else null. */
    private float[] winners;

    public Pool2D(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return config.kind.jsonName;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException(name() + " expects [channels, height, width] per sample but got " + Arrays.toString(in));
        }
        long h = config.geometry.outH(in[1]), w = config.geometry.outW(in[2]);
        if (h < 1 || w < 1) throw new IllegalArgumentException(name() + "'s window does not fit a " + in[1] + "×" + in[2] + " input");
        return new long[] {in[0], h, w};
    }

    /**
     * Whether the Java passes take this input: 2×2 max windows at stride 2 without padding, a contiguous float batch,
     * and output rows of at least one SIMD block (shorter rows run the scalar loop, slower than libnd4j).
     */
    private boolean javaPasses(INDArray x) {
        ConvGeometry g = config.geometry;
        boolean unpadded = !g.same() || x.size(2) % 2 == 0 && x.size(3) % 2 == 0;
        return config.kind == Kind.MAX && g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.dilationH() == 1 && g.dilationW() == 1 && unpadded && x.rank() == 4 && x.size(3) / 2 >= MaxPoolRows.BLOCK && x.dataType() == DataType.FLOAT
                && Memory.isContiguous(x) && x.length() <= Integer.MAX_VALUE / 4;
    }

    // extraParam0: for avg pooling 0 = divide by the real inputs only; isNHWC = 0.
    private int[] args() {
        return config.geometry.opArgs(0, 0);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        input = x;
        // Reused outputs: a fresh array per call costs page faults on first touch (see Conv2D).
        output = Buffers.reuse(output, x.dataType(), Buffers.withBatch(x.size(0), outputShape(Arrays.copyOfRange(x.shape(), 1, 4))));
        if (javaPasses(x)) {
            if (winners == null || winners.length != output.length()) winners = new float[(int) output.length()];
            MaxPoolRows.forward(Memory.of(x), Memory.of(output), winners, (int) (x.size(0) * x.size(1)), (int) x.size(2), (int) x.size(3));
            return output;
        }
        winners = null;
        Nd4j.exec(DynamicCustomOp.builder(config.kind.op).addInputs(x).addOutputs(output).addIntegerArguments(args()).build());
        return output;
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (!needInputGradient) return null;
        inputGrad = Buffers.reuse(inputGrad, input.dataType(), input.shape());
        if (winners != null) {
            INDArray dy = Memory.isContiguous(gradOutput) ? gradOutput : gradOutput.dup('c');
            MaxPoolRows.backward(Memory.of(dy), winners, Memory.of(inputGrad), (int) (input.size(0) * input.size(1)), (int) input.size(2), (int) input.size(3));
            return inputGrad;
        }
        Nd4j.exec(DynamicCustomOp.builder(config.kind.op + "_bp").addInputs(input, gradOutput).addOutputs(inputGrad)
                .addIntegerArguments(args()).build());
        return inputGrad;
    }
}
