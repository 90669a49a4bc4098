package io.spindle.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One call site's {@code out = tanh(x)}: libnd4j's custom {@code tanh} op ({@link GateMath}'s, the same bits) through a
 * native op context kept while the arrays stay the same, as {@link GemmCall} keeps one for a GEMM: building the op
 * and binding the arrays at every call cost more than the tanh of a recurrent step. One instance per call site and
 * thread.
 */
final class TanhCall {
    private DynamicCustomOp op;   // made at the first call, as GemmCall's
    private OpContext context;
    private INDArray x, out;   // the arrays the context is bound to; held so their memory outlives it

    void run(INDArray x, INDArray out) {
        if (!GemmCall.sameView(x, this.x) || !GemmCall.sameView(out, this.out)) bind(x, out);
        Nd4j.getExecutioner().exec(op, context);
    }

    private void bind(INDArray x, INDArray out) {
        if (op == null) op = DynamicCustomOp.builder("tanh").build();
        // A new context rather than a rebound one, for GemmCall's reason: a libnd4j context keeps every array it held.
        context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(x);
        context.setOutputArrays(out);
        this.x = x;
        this.out = out;
    }
}
