package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * One call site's {@code c = alpha·op(a)·op(b) + beta·c}: the op {@link Nd4j#gemm} runs (libnd4j's
 * {@code matmul}, oneDNN on the AVX-512 build, so the same bits), through a native op context kept
 * while the arrays stay the same. {@code Nd4j.gemm} builds a new op and context each call, with garbage,
 * costing as long as a whole small GEMM (bench/RESULTS.md) — most of it binding the arrays. A layer that reuses its
 * buffers (the MLP path) binds once; a call with another array gets a new context, not a rebound one: a
 * libnd4j context keeps every array it was ever given until it is destroyed, so rebinding one leaked
 * each array it had held. A new view of the bound memory in the bound shape counts as the same array. One instance per call site and thread, like the layer buffers it is called with.
 */
final class GemmCall {
    private final boolean transposeA, transposeB;
    private final double alpha, beta;
    private DynamicCustomOp op;   // made at the first call: building a layer (a config check) must not load the natives
    private OpContext context;
    private INDArray a, b, c;   // the arrays the context is bound to; held so their memory outlives it

    GemmCall(boolean transposeA, boolean transposeB, double alpha, double beta) {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.alpha = alpha;
        this.beta = beta;
    }

    void run(INDArray a, INDArray b, INDArray c) {
        if (!sameView(a, this.a) || !sameView(b, this.b) || !sameView(c, this.c)) bind(a, b, c);
        Nd4j.getExecutioner().exec(op, context);
    }

    /**
     * Whether {@code a} reads the memory {@code bound} reads, in the same shape and layout: a sequence layer's
     * {@code reshape} gives a new INDArray object each step over the same buffer, and the kept context still fits it
     * (it holds {@code bound}, so that memory cannot have been freed and reused).
     */
    static boolean sameView(INDArray a, INDArray bound) {
        if (a == bound) return true;
        return bound != null && a.dataType() == bound.dataType() && a.ordering() == bound.ordering() && a.offset() == bound.offset()
                && a.data().address() == bound.data().address() && Arrays.equals(a.shape(), bound.shape())
                && Arrays.equals(a.stride(), bound.stride());
    }

    private void bind(INDArray a, INDArray b, INDArray c) {
        if (c.elementWiseStride() != 1) throw new IllegalArgumentException("a GEMM's output must be contiguous, not a strided view");
        if (op == null) op = DynamicCustomOp.builder("matmul").build();
        // The previous context, unreachable now, is freed with the arrays it holds by ND4J's deallocator.
        context = Nd4j.getExecutioner().buildContext();
        context.setTArguments(alpha, beta);
        context.setIArguments(transposeA ? 1 : 0, transposeB ? 1 : 0, 0);
        context.setInputArrays(a, b);
        context.setOutputArrays(c);
        this.a = a;
        this.b = b;
        this.c = c;
    }
}
