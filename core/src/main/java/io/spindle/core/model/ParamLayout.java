package io.spindle.core.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each named parameter block lives in the flat buffer. The optimizer's state, the gradients,
 * checkpoints and the all-reduce all share this one layout.
 */
public record ParamLayout(List<Block> blocks, long size) {

    /**
     * One block, e.g. layer 0 ({@code dense}) parameter {@code W}, at [offset, offset + length);
     * {@code trainable} false marks layer state (see {@link io.spindle.core.nn.ParamSpec}).
     */
    public record Block(int layerIndex, String layerName, String param, long offset, long length, boolean regularized,
                        boolean trainable) {
        /** A trainable block. */
        public Block(int layerIndex, String layerName, String param, long offset, long length, boolean regularized) {
            this(layerIndex, layerName, param, offset, length, regularized, true);
        }

        public String label() {
            return "layer " + layerIndex + " (" + layerName + ") " + param;
        }
    }

    public ParamLayout {
        blocks = List.copyOf(blocks);
    }

    /**
     * The layout of the elements [from, to): the blocks that overlap it, cut to it, with offsets counted
     * from {@code from} (a block cut in two keeps its name in both halves).
     */
    public ParamLayout slice(long from, long to) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("a slice must lie within [0, " + size + "] but was [" + from + ", " + to + ")");
        }
        List<Block> cut = new ArrayList<>();
        for (Block b : blocks) {
            long start = Math.max(from, b.offset), end = Math.min(to, b.offset + b.length);
            if (start < end) {
                cut.add(new Block(b.layerIndex, b.layerName, b.param, start - from, end - start, b.regularized, b.trainable));
            }
        }
        return new ParamLayout(cut, to - from);
    }

    /** The non-trainable blocks (layer state such as running statistics), in buffer order. */
    public List<Block> stateBlocks() {
        return blocks.stream().filter(b -> !b.trainable()).toList();
    }

    /** The block holding flat index {@code i}, for messages such as "NaN in layer 2 (dense) W". */
    public Block blockAt(long i) {
        for (Block b : blocks) {
            if (i >= b.offset && i < b.offset + b.length) return b;
        }
        throw new IndexOutOfBoundsException("index " + i + " outside the parameter buffer of " + size);
    }
}
