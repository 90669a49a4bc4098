package io.spindle.core.optim;

import io.spindle.core.model.ParamLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * The L1/L2 penalties and the decoupled weight decay, applied only to the blocks the layout marks
 * {@code regularized} (weights, not biases), through views of the flat buffers.
 */
final class RegularizedBlocks {
    private final List<ParamLayout.Block> blocks;
    private final BlockViews paramViews = new BlockViews();
    private final BlockViews gradViews = new BlockViews();
    private final BlockViews signViews = new BlockViews();
    private final long size;
    private final DataType dataType;
    private INDArray sign;

    RegularizedBlocks(ParamLayout layout, DataType dataType) {
        this.blocks = layout.blocks().stream().filter(ParamLayout.Block::regularized).toList();
        this.size = layout.size();
        this.dataType = dataType;
    }

    /** {@code g += l2·p + l1·sign(p)} on regularized blocks. */
    void addPenalties(INDArray params, INDArray grads, double l1, double l2) {
        if ((l1 == 0 && l2 == 0) || blocks.isEmpty()) return;
        List<INDArray> p = paramViews.of(params), g = gradViews.of(grads);
        List<INDArray> s = l1 != 0 ? signViews.of(signBuffer()) : null;
        for (int i = 0; i < p.size(); i++) {
            if (l2 != 0) Nd4j.exec(new Axpy(p.get(i), g.get(i), g.get(i), l2));
            if (l1 != 0) {
                Nd4j.exec(new Sign(p.get(i), s.get(i)));
                Nd4j.exec(new Axpy(s.get(i), g.get(i), g.get(i), l1));
            }
        }
    }

    /** {@code p -= rate·p} on regularized blocks. */
    void decay(INDArray params, double rate) {
        if (rate == 0) return;
        // p + (-rate)·p rather than p·(1 - rate): in float, 1 - 4e-6 keeps only two digits of the decay.
        for (INDArray p : paramViews.of(params)) Nd4j.exec(new Axpy(p, p, p, -rate));
    }

    private INDArray signBuffer() {
        if (sign == null) sign = Nd4j.create(dataType, size);
        return sign;
    }

    /** Views of the regularized blocks of one buffer, rebuilt only when a different buffer comes in. */
    private final class BlockViews {
        private INDArray source;
        private List<INDArray> views;

        List<INDArray> of(INDArray flat) {
            if (flat != source) {
                List<INDArray> v = new ArrayList<>(blocks.size());
                for (ParamLayout.Block b : blocks) {
                    v.add(flat.get(NDArrayIndex.interval(b.offset(), b.offset() + b.length())));
                }
                views = v;
                source = flat;
            }
            return views;
        }
    }
}
