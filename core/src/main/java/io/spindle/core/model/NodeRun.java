package io.spindle.core.model;

import io.spindle.core.nn.Buffers;
import io.spindle.core.nn.Layer;
import io.spindle.core.nn.Merge;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * One graph node at run time: its layers (or its merge), its sources, and the gradient it collects in a
 * step. Where several nodes read this one, their gradients are summed into a buffer owned here.
 */
final class NodeRun {
    final String name;
    final List<Layer> layers;
    final Merge merge;
    final int[] sources;
    /** Per layer: whether backward must run at all, and whether it must hand back dLoss/dInput (without an input gradient asked for). */
    final boolean[] runsBackward, needsInput;
    /** Whether this node or any node before it has parameters: only then does its output need a gradient. */
    final boolean outputNeedsGradient;
    int readers;
    INDArray output;
    private INDArray gradient, sum;

    NodeRun(String name, List<Layer> layers, Merge merge, int[] sources, boolean[] hasParams, boolean upstreamParams) {
        this.name = name;
        this.layers = layers;
        this.merge = merge;
        this.sources = sources;
        this.runsBackward = new boolean[layers.size()];
        this.needsInput = new boolean[layers.size()];
        boolean u = upstreamParams;
        for (int k = 0; k < layers.size(); k++) {
            needsInput[k] = u;
            runsBackward[k] = u || hasParams[k];
            u |= hasParams[k];
        }
        this.outputNeedsGradient = u;
    }

    void clearGradient() {
        gradient = null;
    }

    /** The summed gradient of this node's output, or null when no reader handed one back. */
    INDArray gradient() {
        return gradient;
    }

    /** Adds one reader's dLoss/dOutput; a single reader's array is taken as it is (a chain keeps its bits). */
    void addGradient(INDArray g) {
        if (readers == 1) {
            gradient = g;
        } else if (gradient == null) {
            sum = Buffers.reuse(sum, g.dataType(), g.shape());
            gradient = sum.assign(g);
        } else {
            gradient.addi(g);
        }
    }
}
