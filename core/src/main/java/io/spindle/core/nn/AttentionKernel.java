package io.spindle.core.nn;

import io.spindle.core.kernel.Elementwise;
import io.spindle.core.kernel.HeadProducts;
import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.Sgemm;
import io.spindle.core.kernel.SoftmaxRows;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention of float batches. The four projections are single GEMMs over [B·T, ·] through kept
 * native op contexts ({@link GemmCall}: libnd4j's matmul, oneDNN on this build, faster than OpenBLAS at these shapes).
 * The per-head products, the softmax and their backward run in Java on arrays ({@link HeadProducts},
 * {@link SoftmaxRows}): the projection qkv [B·T, 3·H·K] is copied into a Java array once per step, head h of sample b
 * reads its queries, keys and values in place there (leading dimension 3·H·K), and writes its output into its K
 * columns of concat [B·T, H·K], copied back once. A BLAS call per head product cost more than its arithmetic, and
 * Java 17's vector loops on native memory at times lost their intrinsics (bench/RESULTS.md, issue 18).
 * Legend as {@link MultiHeadSelfAttention}: B batch, T steps, D features, H heads, K key size, L = T padded to whole
 * vectors. Shapes: x [B, T, D]; qkv [B·T, 3·H·K]; probs [B, H, T, L]; dProbs [T, L] (one head at a time); keys
 * [K, L] (one head's keys or values transposed); concat, dConcat [B·T, H·K]; dQkv [B·T, 3·H·K]; y, dx [B, T, D].
 * Once the batch shape is known, a step allocates only two 2-D views.
 */
final class AttentionKernel {
    private final int heads, keySize, width;
    private final boolean causal;
    private final INDArray wQkv, bQkv, wOut, bOut, wQkvGrad, bQkvGrad, wOutGrad, bOutGrad;
    private final GemmCall qkvProduct = new GemmCall(false, false, 1.0, 0.0), outputProduct = new GemmCall(false, false, 1.0, 0.0);
    private final GemmCall outWeightGrad = new GemmCall(true, false, 1.0, 1.0), concatGrad = new GemmCall(false, true, 1.0, 0.0);
    private final GemmCall qkvWeightGrad = new GemmCall(true, false, 1.0, 1.0), inputGradProduct = new GemmCall(false, true, 1.0, 0.0);
    private long[] inputShape = new long[0];
    private int batch, steps, stride;
    private INDArray input, qkv, concat, output, output2, dConcat, dQkv, inputGrad, inputGrad2;
    private FloatPointer qkvP, concatP, dConcatP, dQkvP;
    private float[] qkvA, probsA, concatA, dConcatA, dQkvA, dProbsA, keysA;   // the Java twins of the arrays above

    /** The layer's parameter and gradient views; the biases may be null. */
    AttentionKernel(int heads, int keySize, int width, boolean causal, INDArray[] params, INDArray[] grads) {
        this.heads = heads;
        this.keySize = keySize;
        this.width = width;
        this.causal = causal;
        wQkv = params[0];
        bQkv = params[1];
        wOut = params[2];
        bOut = params[3];
        wQkvGrad = grads[0];
        bQkvGrad = grads[1];
        wOutGrad = grads[2];
        bOutGrad = grads[3];
    }

    /** Whether the kernel takes these arrays: FLOAT, contiguous, and small enough for int offsets. */
    static boolean applies(INDArray x, INDArray... params) {
        if (x.dataType() != DataType.FLOAT || !Memory.isContiguous(x) || x.length() > Integer.MAX_VALUE / 16) return false;
        for (INDArray p : params) {
            if (p != null && (p.dataType() != DataType.FLOAT || !Memory.isContiguous(p))) return false;
        }
        return true;
    }

    /** y = concat_h(softmax(q_h·k_hᵀ/√K)·v_h)·Wo + bo with [q, k, v] = x·Wqkv + bqkv; keeps x, qkv and P for {@link #backward}. */
    INDArray forward(INDArray x) {
        prepare(x);
        int rows = batch * steps, hk = heads * keySize, ld = 3 * hk;
        input = x.reshape('c', rows, width);
        qkvProduct.run(input, wQkv, qkv);
        if (bQkv != null) Elementwise.addRowToEachRow(bQkv, qkv);
        attend();
        outputProduct.run(concat, wOut, output2);
        if (bOut != null) Elementwise.addRowToEachRow(bOut, output);
        return output;
    }

    /** Every head of every sample, from qkv into concat (and P, kept for the backward pass). */
    private void attend() {
        int hk = heads * keySize, ld = 3 * hk;
        float scale = (float) (1 / Math.sqrt(keySize));
        qkvP.position(0).get(qkvA);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int q = b * steps * ld + h * keySize, p = (b * heads + h) * steps * stride;
                // S = q·kᵀ/√K into P's rows (kᵀ's padding columns are 0), softmax in place, then P·v into concat
                HeadProducts.transpose(qkvA, q + hk, ld, keySize, steps, keysA, stride);
                HeadProducts.multiply(qkvA, q, ld, 1, steps, keySize, keysA, 0, stride, stride, scale, probsA, p, stride);
                SoftmaxRows.forward(probsA, p, steps, stride, causal);
                HeadProducts.multiply(probsA, p, stride, 1, steps, steps, qkvA, q + 2 * hk, ld, keySize, 1f, concatA, b * steps * hk + h * keySize, hk);
            }
        }
        concatP.position(0).put(concatA);
    }

    /** Adds the parameter gradients of the last forward's batch (dy [B, T, D], contiguous); returns dx [B, T, D] when asked, else null. */
    INDArray backward(INDArray dy, boolean needInputGradient) {
        INDArray dy2 = dy.reshape('c', (long) batch * steps, width);
        // dWo += concatᵀ·dY ; dbo += Σ dY ; dConcat = dY·Woᵀ
        outWeightGrad.run(concat, dy2, wOutGrad);
        if (bOutGrad != null) Elementwise.addColumnSums(dy, bOutGrad);
        concatGrad.run(dy2, wOut, dConcat);
        attendBackward();
        // dWqkv += xᵀ·dQKV ; dbqkv += Σ dQKV ; dx = dQKV·Wqkvᵀ
        qkvWeightGrad.run(input, dQkv, wQkvGrad);
        if (bQkvGrad != null) Elementwise.addColumnSums(dQkv, bQkvGrad);
        if (!needInputGradient) return null;
        inputGradProduct.run(dQkv, wQkv, inputGrad2);
        return inputGrad;
    }

    /** From dConcat back to dQkv, head by head. */
    private void attendBackward() {
        int hk = heads * keySize, ld = 3 * hk;
        float scale = (float) (1 / Math.sqrt(keySize));
        dConcatP.position(0).get(dConcatA);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int q = b * steps * ld + h * keySize, p = (b * heads + h) * steps * stride, a = b * steps * hk + h * keySize;
                // dP = dA·vᵀ ; dv = Pᵀ·dA ; dS = P ⊙ (dP − rowsum(dP ⊙ P)) ; dq = dS·k/√K ; dk = dSᵀ·q/√K
                HeadProducts.transpose(qkvA, q + 2 * hk, ld, keySize, steps, keysA, stride);
                HeadProducts.multiply(dConcatA, a, hk, 1, steps, keySize, keysA, 0, stride, stride, 1f, dProbsA, 0, stride);
                HeadProducts.multiply(probsA, p, 1, stride, steps, steps, dConcatA, a, hk, keySize, 1f, dQkvA, q + 2 * hk, ld);
                SoftmaxRows.backward(probsA, p, dProbsA, 0, steps, stride);
                HeadProducts.multiply(dProbsA, 0, stride, 1, steps, steps, qkvA, q + hk, ld, keySize, scale, dQkvA, q, ld);
                HeadProducts.multiply(dProbsA, 0, 1, stride, steps, steps, qkvA, q, ld, keySize, scale, dQkvA, q + hk, ld);
            }
        }
        dQkvP.position(0).put(dQkvA);
    }

    /** Sizes the work arrays for this input shape. */
    private void prepare(INDArray x) {
        if (java.util.Arrays.equals(inputShape, x.shape())) return;
        inputShape = x.shape();
        batch = (int) x.size(0);
        steps = (int) x.size(1);
        stride = SoftmaxRows.stride(steps);
        int rows = batch * steps, hk = heads * keySize;
        qkv = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, 3L * hk}, 'c');
        concat = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, hk}, 'c');
        output = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, steps, width}, 'c');
        dConcat = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, hk}, 'c');
        dQkv = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, 3L * hk}, 'c');
        inputGrad = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, steps, width}, 'c');
        output2 = output.reshape('c', rows, width);
        inputGrad2 = inputGrad.reshape('c', rows, width);
        qkvP = Sgemm.pointer(qkv);
        concatP = Sgemm.pointer(concat);
        dConcatP = Sgemm.pointer(dConcat);
        dQkvP = Sgemm.pointer(dQkv);
        qkvA = new float[rows * 3 * hk];
        probsA = new float[batch * heads * steps * stride];
        concatA = new float[rows * hk];
        dConcatA = new float[rows * hk];
        dQkvA = new float[rows * 3 * hk];
        dProbsA = new float[steps * stride];
        keysA = new float[keySize * stride];   // columns [T, L) stay 0: no head writes them
    }
}
