package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.kernel.Memory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * Multi-head scaled dot-product self-attention with an output projection, optionally causal
 * (step t sees steps ≤ t only). Legend: B batch, T steps, D features, H heads, K key size.
 * Shapes: x [B, T, D]; Wqkv [D, 3·H·K], bqkv [3·H·K]; Wo [H·K, D], bo [D]; y [B, T, D].
 * Float batches run {@link AttentionKernel}: the projections as single GEMMs through kept native contexts, OpenBLAS
 * sgemm per (sample, head) at offsets into kept buffers, and a one-pass Java softmax. Double (the gradient checks) runs libnd4j: the projections are single GEMMs over [B·T, ·],
 * the per-head products batched matmuls over [B·H, T, ·], softmax libnd4j's.
 */
public final class MultiHeadSelfAttention implements Layer {

    /** {@code {"type":"multi_head_attention","heads":4,"key_size":16,"causal":false}}; key_size 0 means D / heads. */
    public record Config(int heads, int keySize, boolean causal, boolean useBias, Initializer kernelInit) implements LayerConfig {
        public Config {
            if (heads < 1) throw new ConfigException("heads", heads, "an integer >= 1");
            if (keySize < 0) throw new ConfigException("key_size", keySize, "an integer >= 1, or 0 for features / heads");
        }

        public static Config of(int heads, boolean causal) {
            return new Config(heads, 0, causal, true, Initializer.GLOROT_UNIFORM);
        }

        static Config fromJson(ConfigNode c) {
            c.rejectUnknown("type", "heads", "key_size", "causal", "use_bias", "kernel_init");
            return new Config(c.requireInt("heads", 1, 4096), c.integer("key_size", 0, 1, 1 << 16), c.bool("causal", false),
                    c.bool("use_bias", true), Initializer.parse(c.field("kernel_init"), c.string("kernel_init", "glorot_uniform")));
        }

        @Override
        public String type() {
            return "multi_head_attention";
        }

        @Override
        public List<Layer> build(long seed) {
            return List.of(new MultiHeadSelfAttention(this));
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("type", type()).put("heads", heads);
            if (keySize > 0) n.put("key_size", keySize);
            return n.put("causal", causal).put("use_bias", useBias).put("kernel_init", kernelInit.jsonName());
        }
    }

    /** A masked score: exp underflows to exactly 0 in float and double, and unlike −∞ it never makes NaN. */
    private static final double MASKED = -1e9;

    private final Config config;
    private int heads;
    private long keySize, width;
    private INDArray wQkv, bQkv, wOut, bOut, wQkvGrad, bQkvGrad, wOutGrad, bOutGrad;
    private INDArray input, qkv, qkvHeads, scores, probs, attended, concat, output;
    private INDArray dConcat, dAttended, dProbs, rowDot, dQkvHeads, dQkv, inputGrad, mask;
    private final RowReductions rows = new RowReductions();
    private long batch, steps;
    private AttentionKernel kernel;
    private boolean kernelRan;

    public MultiHeadSelfAttention(Config config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "multi_head_attention";
    }

    @Override
    public long[] outputShape(long[] in) {
        SequenceShape.require(name(), in);
        if (config.keySize == 0 && in[1] % config.heads != 0) {
            throw new IllegalArgumentException("multi_head_attention: " + in[1] + " features do not split into " + config.heads
                    + " heads; set key_size or choose heads dividing the features");
        }
        return in;
    }

    private long keySize(long features) {
        return config.keySize > 0 ? config.keySize : features / config.heads;
    }

    @Override
    public List<ParamSpec> params(long[] in) {
        long d = in[1], hk = config.heads * keySize(d);
        ParamSpec qkvW = ParamSpec.weight("Wqkv", new long[] {d, 3 * hk}, config.kernelInit, d, hk);
        ParamSpec outW = ParamSpec.weight("Wo", new long[] {hk, d}, config.kernelInit, hk, d);
        return config.useBias
                ? List.of(qkvW, ParamSpec.bias("bqkv", 3 * hk, Initializer.ZEROS), outW, ParamSpec.bias("bo", d, Initializer.ZEROS))
                : List.of(qkvW, outW);
    }

    @Override
    public void bind(long[] in, INDArray params, INDArray grads) {
        heads = config.heads;
        width = in[1];
        keySize = keySize(width);
        long hk = heads * keySize;
        long[][] shapes = config.useBias
                ? new long[][] {{width, 3 * hk}, {1, 3 * hk}, {hk, width}, {1, width}}
                : new long[][] {{width, 3 * hk}, {hk, width}};
        INDArray[] p = slices(params, shapes), g = slices(grads, shapes);
        int o = config.useBias ? 2 : 1;
        wQkv = p[0];
        wQkvGrad = g[0];
        wOut = p[o];
        wOutGrad = g[o];
        if (config.useBias) {
            bQkv = p[1];
            bQkvGrad = g[1];
            bOut = p[3];
            bOutGrad = g[3];
        }
        kernel = null;
    }

    /** Consecutive c-order views of a flat buffer with the given shapes. */
    static INDArray[] slices(INDArray flat, long[]... shapes) {
        INDArray[] out = new INDArray[shapes.length];
        long offset = 0;
        for (int i = 0; i < shapes.length; i++) {
            long n = Buffers.product(shapes[i]);
            out[i] = flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shapes[i]);
            offset += n;
        }
        return out;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (AttentionKernel.applies(x, wQkv, bQkv, wOut, bOut, wQkvGrad, bQkvGrad, wOutGrad, bOutGrad)) {
            if (kernel == null) {
                kernel = new AttentionKernel(heads, (int) keySize, (int) width, config.causal,
                        new INDArray[] {wQkv, bQkv, wOut, bOut}, new INDArray[] {wQkvGrad, bQkvGrad, wOutGrad, bOutGrad});
            }
            kernelRan = true;
            return kernel.forward(x);
        }
        kernelRan = false;
        allocate(x);
        input = x.reshape('c', batch * steps, width);
        // One GEMM projects every step to its queries, keys and values: [B·T, 3·H·K].
        Nd4j.gemm(input, wQkv, qkv, false, false, 1.0, 0.0);
        if (config.useBias) qkv.addiRowVector(bQkv);
        // [B, T, 3, H, K] → [3, B, H, T, K]: q, k, v become contiguous [B·H, T, K] blocks.
        qkvHeads.assign(qkv.reshape('c', batch, steps, 3, heads, keySize).permute(2, 0, 3, 1, 4));
        INDArray q = part(qkvHeads, 0), k = part(qkvHeads, 1), v = part(qkvHeads, 2);
        // S = q·kᵀ / √K ; P = softmax(S + mask) over the keys ; A = P·v
        matmul(q, k, scores, false, true, 1.0 / Math.sqrt(keySize));
        if (config.causal) scores.reshape('c', batch * heads, steps * steps).addiRowVector(mask);
        Nd4j.exec(new SoftMax(scores, probs, 2));
        matmul(probs, v, attended, false, false, 1.0);
        // [B, H, T, K] → [B, T, H, K]: heads side by side, then the output projection.
        concat.reshape('c', batch, steps, heads, keySize).assign(attended.reshape('c', batch, heads, steps, keySize).permute(0, 2, 1, 3));
        Nd4j.gemm(concat, wOut, output, false, false, 1.0, 0.0);
        if (config.useBias) output.addiRowVector(bOut);
        return output.reshape('c', batch, steps, width);
    }

    @Override
    public INDArray backward(INDArray gradOutput, boolean needInputGradient) {
        if (kernelRan) return kernel.backward(Memory.isContiguous(gradOutput) ? gradOutput : gradOutput.dup('c'), needInputGradient);
        INDArray dY = gradOutput.reshape('c', batch * steps, width);
        // dWo += concatᵀ·dY ; dbo += Σ dY ; dConcat = dY·Woᵀ
        Nd4j.gemm(concat, dY, wOutGrad, true, false, 1.0, 1.0);
        if (config.useBias) rows.addColumnSums(dY, bOutGrad);
        Nd4j.gemm(dY, wOut, dConcat, false, true, 1.0, 0.0);
        dAttended.reshape('c', batch, heads, steps, keySize).assign(dConcat.reshape('c', batch, steps, heads, keySize).permute(0, 2, 1, 3));
        INDArray q = part(qkvHeads, 0), k = part(qkvHeads, 1), v = part(qkvHeads, 2);
        // dP = dA·vᵀ ; dv = Pᵀ·dA
        matmul(dAttended, v, dProbs, false, true, 1.0);
        matmul(probs, dAttended, part(dQkvHeads, 2), true, false, 1.0);
        // softmax: dS = P ⊙ (dP − Σ_keys dP ⊙ P), rows of [B·H·T, T] (scores is free scratch by now)
        INDArray dP2 = dProbs.reshape('c', batch * heads * steps, steps);
        rows.rowSums(scores.assign(dProbs).muli(probs).reshape('c', batch * heads * steps, steps), rowDot, 1.0);
        rows.broadcastColumn(rowDot, dP2, -1.0, 1.0);
        dProbs.muli(probs);
        // dq = dS·k / √K ; dk = dSᵀ·q / √K
        double scale = 1.0 / Math.sqrt(keySize);
        matmul(dProbs, k, part(dQkvHeads, 0), false, false, scale);
        matmul(dProbs, q, part(dQkvHeads, 1), true, false, scale);
        dQkv.reshape('c', batch, steps, 3, heads, keySize).assign(dQkvHeads.permute(1, 3, 0, 2, 4));
        // dWqkv += xᵀ·dQKV ; dbqkv += Σ dQKV ; dx = dQKV·Wqkvᵀ
        Nd4j.gemm(input, dQkv, wQkvGrad, true, false, 1.0, 1.0);
        if (config.useBias) rows.addColumnSums(dQkv, bQkvGrad);
        if (!needInputGradient) return null;
        Nd4j.gemm(dQkv, wQkv, inputGrad, false, true, 1.0, 0.0);
        return inputGrad.reshape('c', batch, steps, width);
    }

    /** The i-th of q, k, v in a [3, B, H, T, K] buffer, as [B·H, T, K]. */
    private INDArray part(INDArray heads3, int i) {
        return heads3.get(NDArrayIndex.point(i)).reshape('c', batch * heads, steps, keySize);
    }

    /** z = α·op(a)·op(b) over the leading batch axis, with libnd4j's matmul op. */
    private static void matmul(INDArray a, INDArray b, INDArray z, boolean transA, boolean transB, double alpha) {
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(z)
                .addIntegerArguments(transA ? 1 : 0, transB ? 1 : 0, 0).addFloatingPointArguments(alpha, 0.0).build());
    }

    private void allocate(INDArray x) {
        var type = x.dataType();
        batch = x.size(0);
        steps = x.size(1);
        long hk = heads * keySize, bh = batch * heads;
        qkv = Buffers.reuse(qkv, type, batch * steps, 3 * hk);
        qkvHeads = Buffers.reuse(qkvHeads, type, 3, batch, heads, steps, keySize);
        scores = Buffers.reuse(scores, type, bh, steps, steps);
        probs = Buffers.reuse(probs, type, bh, steps, steps);
        attended = Buffers.reuse(attended, type, bh, steps, keySize);
        concat = Buffers.reuse(concat, type, batch * steps, hk);
        output = Buffers.reuse(output, type, batch * steps, width);
        dConcat = Buffers.reuse(dConcat, type, batch * steps, hk);
        dAttended = Buffers.reuse(dAttended, type, bh, steps, keySize);
        dProbs = Buffers.reuse(dProbs, type, bh, steps, steps);
        rowDot = Buffers.reuse(rowDot, type, bh * steps, 1);
        dQkvHeads = Buffers.reuse(dQkvHeads, type, 3, batch, heads, steps, keySize);
        dQkv = Buffers.reuse(dQkv, type, batch * steps, 3 * hk);
        inputGrad = Buffers.reuse(inputGrad, type, batch * steps, width);
        if (config.causal && (mask == null || mask.length() != steps * steps || mask.dataType() != type)) mask = causalMask(type, steps);
    }

    /** [1, T·T]: 0 where key j ≤ query i, {@link #MASKED} above the diagonal; built from whole-array ops. */
    static INDArray causalMask(org.nd4j.linalg.api.buffer.DataType type, long steps) {
        INDArray index = Nd4j.arange(0, steps).castTo(type);
        INDArray keyMinusQuery = Nd4j.zeros(type, steps, steps).addiRowVector(index.reshape(1, steps)).subiColumnVector(index.reshape(steps, 1));
        return Transforms.step(keyMinusQuery, false).muli(MASKED).reshape(1, steps * steps);
    }
}
