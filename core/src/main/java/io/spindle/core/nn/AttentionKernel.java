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
 * Multi-head self-attention of float batches as OpenBLAS sgemm calls at element offsets into kept buffers, with no
 * INDArray view and no permute: head h of sample b reads its queries, keys and values in place in the projection
 * qkv [B·T, 3·H·K] (leading dimension 3·H·K), and writes its output straight into its K columns of concat [B·T, H·K].
 * Softmax and its backward are one pass per block of rows ({@link SoftmaxRows}); the rows of P are padded to whole
 * vectors. Legend as {@link MultiHeadSelfAttention}: B batch, T steps, D features, H heads, K key size, L = T padded.
 * Shapes: x [B, T, D]; qkv [B·T, 3·H·K]; probs [B, H, T, L]; dProbs [T, L] (one head at a time); concat, dConcat
 * [B·T, H·K]; dQkv [B·T, 3·H·K]; y, dx [B, T, D]. Nothing is allocated per step once the batch shape is known.
 */
final class AttentionKernel {
    private final int heads, keySize, width;
    private final boolean causal;
    private final INDArray wQkv, bQkv, wOut, bOut, wQkvGrad, bQkvGrad, wOutGrad, bOutGrad;
    private final FloatPointer wQkvP, wOutP, wQkvGradP, wOutGradP;
    private final KeptPointer inputP = new KeptPointer(), gradP = new KeptPointer();
    private long[] inputShape = new long[0];
    private int batch, steps, stride;
    private INDArray input, qkv, probs, concat, output, dConcat, dProbs, dQkv, inputGrad;
    private FloatPointer qkvP, keysP, probsP, concatP, outputP, dConcatP, dProbsP, dQkvP, inputGradP;
    private ByteBuffer probsB, dProbsB;

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
        wQkvP = Sgemm.pointer(wQkv);
        wOutP = Sgemm.pointer(wOut);
        wQkvGradP = Sgemm.pointer(wQkvGrad);
        wOutGradP = Sgemm.pointer(wOutGrad);
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
        input = x;
        int rows = batch * steps, hk = heads * keySize, ld = 3 * hk;
        float scale = (float) (1 / Math.sqrt(keySize));
        Sgemm.gemm(false, false, rows, ld, width, 1f, inputP.of(x), 0, width, wQkvP, 0, ld, 0f, qkvP, 0, ld);
        if (bQkv != null) Elementwise.addRowToEachRow(bQkv, qkv);
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int q = b * steps * ld + h * keySize, p = (b * heads + h) * steps * stride;
                // S = q·kᵀ/√K into P's rows, softmax in place, then P·v into this head's columns of concat
                Sgemm.gemm(false, true, steps, steps, keySize, scale, qkvP, q, ld, keysP, q + hk, ld, 0f, probsP, p, stride);
                SoftmaxRows.forward(probsB, p, steps, stride, causal);
                Sgemm.gemm(false, false, steps, keySize, steps, 1f, probsP, p, stride, qkvP, q + 2 * hk, ld, 0f, concatP, b * steps * hk + h * keySize, hk);
            }
        }
        Sgemm.gemm(false, false, rows, width, hk, 1f, concatP, 0, hk, wOutP, 0, width, 0f, outputP, 0, width);
        if (bOut != null) Elementwise.addRowToEachRow(bOut, output);
        return output;
    }

    /** Adds the parameter gradients of the last forward's batch (dy [B, T, D], contiguous); returns dx [B, T, D] when asked, else null. */
    INDArray backward(INDArray dy, boolean needInputGradient) {
        int rows = batch * steps, hk = heads * keySize, ld = 3 * hk;
        float scale = (float) (1 / Math.sqrt(keySize));
        FloatPointer dyP = gradP.of(dy);
        // dWo += concatᵀ·dY ; dbo += Σ dY ; dConcat = dY·Woᵀ
        Sgemm.gemm(true, false, hk, width, rows, 1f, concatP, 0, hk, dyP, 0, width, 1f, wOutGradP, 0, width);
        if (bOutGrad != null) Elementwise.addColumnSums(dy, bOutGrad);
        Sgemm.gemm(false, true, rows, hk, width, 1f, dyP, 0, width, wOutP, 0, width, 0f, dConcatP, 0, hk);
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
        // dWqkv += xᵀ·dQKV ; dbqkv += Σ dQKV ; dx = dQKV·Wqkvᵀ
        Sgemm.gemm(true, false, width, ld, rows, 1f, inputP.of(input), 0, width, dQkvP, 0, ld, 1f, wQkvGradP, 0, ld);
        if (bQkvGrad != null) Elementwise.addColumnSums(dQkv, bQkvGrad);
        if (!needInputGradient) return null;
        Sgemm.gemm(false, true, rows, width, ld, 1f, dQkvP, 0, ld, wQkvP, 0, ld, 0f, inputGradP, 0, width);
        return inputGrad;
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
        qkvP = Sgemm.pointer(qkv);
        keysP = Sgemm.pointer(qkv);   // Q·Kᵀ reads qkv twice: one pointer per operand, as each call sets its position
        probsP = Sgemm.pointer(probs);
        concatP = Sgemm.pointer(concat);
        outputP = Sgemm.pointer(output);
        dConcatP = Sgemm.pointer(dConcat);
        dProbsP = Sgemm.pointer(dProbs);
        dQkvP = Sgemm.pointer(dQkv);
        inputGradP = Sgemm.pointer(inputGrad);
        probsB = Memory.of(probs);
        dProbsB = Memory.of(dProbs);
    }

    /** A pointer to an array that a neighbouring layer hands over, made again only when it hands over another array. */
    private static final class KeptPointer {
        private INDArray array;
        private FloatPointer pointer;

        FloatPointer of(INDArray a) {
            if (a != array) {
                pointer = Sgemm.pointer(a);
                array = a;
            }
            return pointer;
        }
    }
}
