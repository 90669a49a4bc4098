package io.spindle.core.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * The non-trainable blocks of a parameter buffer (e.g. batch norm's running statistics) packed into
 * one contiguous array, so that data-parallel workers can average them with a single collective call.
 */
public final class LayerState {
    private final List<ParamLayout.Block> blocks;
    private final INDArray packed;

    public LayerState(ParamLayout layout) {
        this.blocks = layout.stateBlocks();
        long n = blocks.stream().mapToLong(ParamLayout.Block::length).sum();
        this.packed = n == 0 ? null : Nd4j.create(DataType.FLOAT, n);
    }

    /** Whether the model has any layer state at all. */
    public boolean isEmpty() {
        return packed == null;
    }

    /** Copies the state blocks of {@code params} into the packed float32 array and returns it (owned here, reused). */
    public INDArray gather(INDArray params) {
        long at = 0;
        for (ParamLayout.Block b : blocks) {
            packed.get(NDArrayIndex.interval(at, at + b.length())).assign(view(params, b));
            at += b.length();
        }
        return packed;
    }

    /** Writes the packed array (as returned by {@link #gather}, possibly changed) back into {@code params}. */
    public void scatter(INDArray params) {
        long at = 0;
        for (ParamLayout.Block b : blocks) {
            view(params, b).assign(packed.get(NDArrayIndex.interval(at, at + b.length())));
            at += b.length();
        }
    }

    private static INDArray view(INDArray params, ParamLayout.Block b) {
        return params.get(NDArrayIndex.interval(b.offset(), b.offset() + b.length()));
    }
}
