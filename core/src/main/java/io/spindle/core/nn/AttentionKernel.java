package io.spindle.core.nn;

import io.spindle.core.kernel.Elementwise;
import io.spindle.core.kernel.Memory;
import io.spindle.core.kernel.Sgemm;
import io.spindle.core.kernel.SoftmaxRows;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * Multi-head self-attention of float batches. The four projections are single GEMMs over [B·T, ·] through kept
 * native op contexts ({@link GemmCall}: libnd4j's matmul, oneDNN on this build, faster than OpenBLAS at these shapes).
 * The per-head products are OpenBLAS sgemm calls at element offsets into kept buffers, with no INDArray view and no
 * permute: head h of sample b reads its queries, keys and values in place in the projection qkv [B·T, 3·H·K]
 * (leading dimension 3·H·K), and writes its output straight into its K columns of concat [B·T, H·K].
 * Softmax and its backward are one pass per block of rows ({@link SoftmaxRows}); the rows of P are padded to whole
 * vectors. Legend as {@link MultiHeadSelfAttention}: B batch, T steps, D features, H heads, K key size, L = T padded.
 * Shapes: x [B, T, D]; qkv [B·T, 3·H·K]; probs [B, H, T, L]; dProbs [T, L] (one head at a time); concat, dConcat
 * [B·T, H·K]; dQkv [B·T, 3·H·K]; y, dx [B, T, D]. Once the batch shape is known, a step allocates only two 2-D views.
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
    private INDArray input, qkv, probs, concat, output, output2, dConcat, dProbs, dQkv, inputGrad, inputGrad2;
    private FloatPointer qkvP, keysP, probsP, concatP, dConcatP, dProbsP, dQkvP;
    private ByteBuffer probsB, dProbsB;
    private float[] headScores = new float[0];   // one head's scores [T, L], for the softmax

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

    /** Every head of every sample, from qkv into concat. */
    private void attend() {
        int hk = heads * keySize, ld = 3 * hk;
        float scale = (float) (1 / Math.sqrt(keySize));
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int q = b * steps * ld + h * keySize, p = (b * heads + h) * steps * stride;
                // S = q·kᵀ/√K into P's rows, softmax in place, then P·v into this head's columns of concat
                Sgemm.gemm(false, true, steps, steps, keySize, scale, qkvP, q, ld, keysP, q + hk, ld, 0f, probsP, p, stride);
                probsP.position(p).get(headScores, 0, headScores.length);   // softmax on a Java array (see SoftmaxRows.forward(float[], ...))
                SoftmaxRows.forward(headScores, 0, steps, stride, causal);
                probsP.position(p).put(headScores, 0, headScores.length);
                Sgemm.gemm(false, false, steps, keySize, steps, 1f, probsP, p, stride, qkvP, q + 2 * hk, ld, 0f, concatP, b * steps * hk + h * keySize, hk);
            }
        }
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
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int q = b * steps * ld + h * keySize, p = (b * heads + h) * steps * stride, a = b * steps * hk + h * keySize;
                // dP = dA·vᵀ ; dv = Pᵀ·dA ; dS = P ⊙ (dP − rowsum(dP ⊙ P)) ; dq = dS·k/√K ; dk = dSᵀ·q/√K
                Sgemm.gemm(false, true, steps, steps, keySize, 1f, dConcatP, a, hk, qkvP, q + 2 * hk, ld, 0f, dProbsP, 0, stride);
                Sgemm.gemm(true, false, steps, keySize, steps, 1f, probsP, p, stride, dConcatP, a, hk, 0f, dQkvP, q + 2 * hk, ld);
                SoftmaxRows.backward(probsB, p, dProbsB, 0, steps, stride);
                Sgemm.gemm(false, false, steps, keySize, steps, scale, dProbsP, 0, stride, qkvP, q + hk, ld, 0f, dQkvP, q, ld);
                Sgemm.gemm(true, false, steps, keySize, steps, scale, dProbsP, 0, stride, qkvP, q, ld, 0f, dQkvP, q + hk, ld);
            }
        }
    }

    /** Sizes the work arrays for this input shape; dProbs' padding columns stay 0 from here on (no GEMM writes them). */
    private void prepare(INDArray x) {
        if (java.util.Arrays.equals(inputShape, x.shape())) return;
        inputShape = x.shape();
        batch = (int) x.size(0);
        steps = (int) x.size(1);
        stride = SoftmaxRows.stride(steps);
        int rows = batch * steps, hk = heads * keySize;
        qkv = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, 3L * hk}, 'c');
        probs = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) batch * heads * steps * stride}, 'c');
        concat = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, hk}, 'c');
        output = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, steps, width}, 'c');
        dConcat = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, hk}, 'c');
        dProbs = Nd4j.zeros(DataType.FLOAT, (long) steps * stride);
        dQkv = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, 3L * hk}, 'c');
        inputGrad = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, steps, width}, 'c');
        output2 = output.reshape('c', rows, width);
        inputGrad2 = inputGrad.reshape('c', rows, width);
        qkvP = Sgemm.pointer(qkv);
        keysP = Sgemm.pointer(qkv);   // Q·Kᵀ reads qkv twice: one pointer per operand, as each call sets its position
        probsP = Sgemm.pointer(probs);
        concatP = Sgemm.pointer(concat);
        dConcatP = Sgemm.pointer(dConcat);
        dProbsP = Sgemm.pointer(dProbs);
        dQkvP = Sgemm.pointer(dQkv);
        headScores = new float[steps * stride];
        probsB = Memory.of(probs);
        dProbsB = Memory.of(dProbs);
    }
}
