package io.spindle.core.nn;

import io.spindle.core.kernel.GateBlocks;
import io.spindle.core.kernel.Memory;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One weight of a recurrent layer, W or U: in the parameters one [R, H] block per gate ([G, R, H]), kept here also with
 * the gates side by side ([R, G·H]), the layout in which one GEMM covers every gate. Its gradient goes through the same
 * layout: copied in, accumulated by the one GEMM, copied back.
 */
final class GateWeights {
    private final INDArray blocks, gradBlocks, sideBySide, gradSideBySide;
    private final ByteBuffer blocksMemory, gradBlocksMemory, sideBySideMemory, gradSideBySideMemory;
    private final int gates, rows, rowBytes;
    /** gradient += aᵀ·b, its native context kept (see {@link GemmCall}). */
    private final GemmCall gradientProduct = new GemmCall(true, false, 1.0, 1.0);

    /** The [G, R, H] blocks from {@code offset} of the flat parameter and gradient buffers. */
    GateWeights(INDArray params, INDArray grads, long offset, int gates, long rows, long units) {
        long length = gates * rows * units;
        this.blocks = params.get(NDArrayIndex.interval(offset, offset + length));
        this.gradBlocks = grads.get(NDArrayIndex.interval(offset, offset + length));
        this.sideBySide = Nd4j.createUninitialized(params.dataType(), new long[] {rows, gates * units}, 'c');
        this.gradSideBySide = Nd4j.createUninitialized(params.dataType(), new long[] {rows, gates * units}, 'c');
        this.blocksMemory = Memory.of(blocks);
        this.gradBlocksMemory = Memory.of(gradBlocks);
        this.sideBySideMemory = Memory.of(sideBySide);
        this.gradSideBySideMemory = Memory.of(gradSideBySide);
        this.gates = gates;
        this.rows = (int) rows;
        this.rowBytes = (int) (units * params.data().getElementSize());
    }

    /** The weights side by side, [R, G·H], copied from the parameters now (they change between steps). */
    INDArray refresh() {
        GateBlocks.sideBySide(blocksMemory, sideBySideMemory, gates, rows, rowBytes);
        return sideBySide;
    }

    /** The weights side by side as the last {@link #refresh} copied them. */
    INDArray sideBySide() {
        return sideBySide;
    }

    /** {@code gradient += aᵀ·b} for a [N, R] and b [N, G·H] laid out as the gates. */
    void accumulateGradient(INDArray a, INDArray b) {
        GateBlocks.sideBySide(gradBlocksMemory, gradSideBySideMemory, gates, rows, rowBytes);
        gradientProduct.run(a, b, gradSideBySide);
        GateBlocks.blocks(gradSideBySideMemory, gradBlocksMemory, gates, rows, rowBytes);
    }
}
