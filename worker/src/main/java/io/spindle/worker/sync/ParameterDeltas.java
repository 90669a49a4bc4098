package io.spindle.worker.sync;

import io.spindle.core.optim.Optimizer;
import io.spindle.worker.collective.Collective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sharded step's all-gather in a 16-bit wire format: the owners send their chunks' <em>updates</em>, rounded to
 * the wire, and every rank (the owner too) adds the same rounded update to the same old parameters, so the replicas
 * stay bit-identical while the parameters themselves keep float32 precision. The gather then carries as few bytes as
 * the reduce-scatter, as in an all-reduce in that format; only the update is rounded, as the gradient already was.
 */
final class ParameterDeltas {
    private final INDArray params;
    private final INDArray deltas;                 // the whole buffer's updates; this rank writes its owned ranges
    private final List<INDArray[]> owned = new ArrayList<>();   // per owned range: params, deltas and the kept old values
    private final Map<Window, INDArray[]> windows = new HashMap<>();   // per gathered window: params and deltas views

    /** A gathered window; the same few recur every step, so their views are built once. */
    private record Window(long from, long to) { }

    ParameterDeltas(INDArray params, List<Optimizer.Range> ranges) {
        this.params = params;
        this.deltas = Nd4j.zeros(DataType.FLOAT, params.length());
        for (Optimizer.Range r : ranges) {
            if (r.to() == r.from()) {
                owned.add(null);   // kept, so that range i of the shard is entry i here
                continue;
            }
            owned.add(new INDArray[] {params.get(NDArrayIndex.interval(r.from(), r.to())),
                    deltas.get(NDArrayIndex.interval(r.from(), r.to())), Nd4j.createUninitialized(DataType.FLOAT, r.to() - r.from())});
        }
    }

    /** Before the shard's optimizer step: keeps the owned parameters' old values. */
    void keepOld() {
        for (int i = 0; i < owned.size(); i++) keepOld(i);
    }

    /** {@link #keepOld()} for the shard's range {@code index} alone, before that range is stepped on its own. */
    void keepOld(int index) {
        INDArray[] r = owned.get(index);
        if (r != null) r[2].assign(r[0]);
    }

    /** After it: the update goes to the deltas and the owned parameters go back to their old values, exactly. */
    void takeUpdates() {
        for (int i = 0; i < owned.size(); i++) takeUpdates(i);
    }

    /** {@link #takeUpdates()} for the shard's range {@code index} alone. */
    void takeUpdates(int index) {
        INDArray[] r = owned.get(index);
        if (r == null) return;
        r[1].assign(r[0]).subi(r[2]);
        r[0].assign(r[2]);
    }

    /** Gathers the window's rounded updates from their owners and adds them to the parameters, on every rank alike. */
    void gather(Collective collective, long from, long to) {
        collective.allGatherInWireFormat(deltas, from, to);
        if (to > from) {
            INDArray[] views = windows.computeIfAbsent(new Window(from, to), w -> new INDArray[] {
                    params.get(NDArrayIndex.interval(from, to)), deltas.get(NDArrayIndex.interval(from, to))});
            views[0].addi(views[1]);
        }
    }
}
