package io.spindle.core.nn;

import io.spindle.core.kernel.GateBlocks;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One weight of a recurrent layer, W or U: in the parameters one [R, H] block per gate ([G, R, H]), kept here also with
 * the gates side by side ([R, G·H]), the layout in which one GEMM covers every gate; W with b [G·H] as one more row, so
 * that a column of ones in the input adds it in the same GEMM. The gradient goes through the same layout: copied in,
 * accumulated by the one GEMM, copied back.
 */
final class GateWeights {
    private final ByteBuffer blocks, gradBlocks, extraRow, gradExtraRow, sideBySideMemory, gradSideBySideMemory;
    private final INDArray sideBySide, gradSideBySide;
    private final int gates, rows, rowBytes;
    /** gradient += aᵀ·b, its native context kept (see {@link GemmCall}). */
    private final GemmCall gradientProduct = new GemmCall(true, false, 1.0, 1.0);

    private GateWeights(INDArray params, INDArray grads, long offset, int gates, long rows, long units, long extraRowOffset) {
        long length = gates * rows * units, side = rows + (extraRowOffset < 0 ? 0 : 1);
        this.blocks = Memory.of(slice(params, offset, length));
        this.gradBlocks = Memory.of(slice(grads, offset, length));
        this.extraRow = extraRowOffset < 0 ? null : Memory.of(slice(params, extraRowOffset, gates * units));
        this.gradExtraRow = extraRowOffset < 0 ? null : Memory.of(slice(grads, extraRowOffset, gates * units));
        this.sideBySide = Nd4j.createUninitialized(params.dataType(), new long[] {side, gates * units}, 'c');
        this.gradSideBySide = Nd4j.createUninitialized(params.dataType(), new long[] {side, gates * units}, 'c');
        this.sideBySideMemory = Memory.of(sideBySide);
        this.gradSideBySideMemory = Memory.of(gradSideBySide);
        this.gates = gates;
        this.rows = (int) rows;
        this.rowBytes = (int) (units * params.data().getElementSize());
    }

    /** The [G, R, H] blocks from {@code offset} of the flat parameter and gradient buffers. */
    static GateWeights of(INDArray params, INDArray grads, long offset, int gates, long rows, long units) {
        return new GateWeights(params, grads, offset, gates, rows, units, -1);
    }

    /** As {@link #of}, with the G·H values from {@code biasOffset} as row R of the side-by-side layout ([R + 1, G·H]). */
    static GateWeights withBiasRow(INDArray params, INDArray grads, long offset, int gates, long rows, long units, long biasOffset) {
        return new GateWeights(params, grads, offset, gates, rows, units, biasOffset);
    }

    private static INDArray slice(INDArray flat, long offset, long length) {
        return flat.get(NDArrayIndex.interval(offset, offset + length));
    }

    /** The weights side by side, copied from the parameters now (they change between steps). */
    INDArray refresh() {
        copyIn(blocks, extraRow, sideBySideMemory);
        return sideBySide;
    }

    /** The weights side by side as the last {@link #refresh} copied them. */
    INDArray sideBySide() {
        return sideBySide;
    }

    /** {@code gradient += aᵀ·b} for a [N, R (+ 1)] and b [N, G·H] laid out as the gates. */
    void accumulateGradient(INDArray a, INDArray b) {
        copyIn(gradBlocks, gradExtraRow, gradSideBySideMemory);
        gradientProduct.run(a, b, gradSideBySide);
        GateBlocks.blocks(gradSideBySideMemory, gradBlocks, gates, rows, rowBytes);
        if (gradExtraRow != null) gradExtraRow.put(0, gradSideBySideMemory, rows * gates * rowBytes, gates * rowBytes);
    }

    private void copyIn(ByteBuffer from, ByteBuffer extra, ByteBuffer to) {
        GateBlocks.sideBySide(from, to, gates, rows, rowBytes);
        if (extra != null) to.put(rows * gates * rowBytes, extra, 0, gates * rowBytes);
    }
}
