package io.spindle.core.model;

import io.spindle.core.nn.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/** Forward in topological order and backward in reverse over a network's nodes; the network owns the buffers. */
final class GraphPass {
    /** Sees every layer's (and merge's) output during a forward pass: node position, layer name, output. */
    interface OutputWatcher {
        void seen(int position, String layer, INDArray output);
    }

    /** Hears that forward is about to run node {@code position}: its parameters must be in place now. */
    interface NodeStarting {
        void starting(int position);
    }

    private GraphPass() {
    }

    static INDArray forward(List<NodeRun> nodes, INDArray[] inputs, boolean training, NodeStarting starting, OutputWatcher watcher) {
        for (int p = 0; p < nodes.size(); p++) {
            NodeRun n = nodes.get(p);
            if (starting != null) starting.starting(p);
            if (n.merge != null) {
                List<INDArray> in = new ArrayList<>(n.sources.length);
                for (int s : n.sources) in.add(s < 0 ? inputs[-s - 1] : nodes.get(s).output);
                n.output = n.merge.forward(in);
                if (watcher != null) watcher.seen(p, n.merge.name(), n.output);
                continue;
            }
            int s = n.sources[0];
            INDArray h = s < 0 ? inputs[-s - 1] : nodes.get(s).output;
            for (Layer l : n.layers) {
                h = l.forward(h, training);
                if (watcher != null) watcher.seen(p, l.name(), h);
            }
            n.output = h;
        }
        return nodes.get(nodes.size() - 1).output;
    }

    /** Hears that backward has finished node {@code position} and every node after it. */
    interface NodeDone {
        void done(int position);
    }

    /**
     * Back-propagates from the last node. Without {@code needInputGradient}, layers before the first one with
     * parameters are skipped (nothing needs their gradient); with it, every model input collects its gradient.
     * {@code done} (may be null) hears of each node as it is finished, last first: a node's parameters get their
     * gradient from its own backward only, so theirs and those of every later node are then final.
     */
    static void backward(List<NodeRun> nodes, List<NodeRun> inputs, INDArray gradOutput, boolean needInputGradient, NodeDone done) {
        nodes.forEach(NodeRun::clearGradient);
        inputs.forEach(NodeRun::clearGradient);
        NodeRun last = nodes.get(nodes.size() - 1);
        last.clearGradient();
        for (int p = nodes.size() - 1; p >= 0; p--) {
            NodeRun n = nodes.get(p);
            INDArray g = n == last ? gradOutput : n.gradient();
            if (g != null) backward(nodes, inputs, n, g, needInputGradient);
            if (done != null) done.done(p);
        }
    }

    private static void backward(List<NodeRun> nodes, List<NodeRun> inputs, NodeRun n, INDArray g, boolean needInputGradient) {
        if (n.merge != null) {
            INDArray[] gs = n.merge.backward(g);
            for (int i = 0; i < gs.length; i++) deliver(nodes, inputs, n.sources[i], gs[i], needInputGradient);
            return;
        }
        int k = n.layers.size() - 1;
        for (; k >= 0 && (needInputGradient || n.runsBackward[k]); k--) {
            g = n.layers.get(k).backward(g, needInputGradient || n.needsInput[k]);
        }
        if (k < 0 && g != null) deliver(nodes, inputs, n.sources[0], g, needInputGradient);
    }

    private static void deliver(List<NodeRun> nodes, List<NodeRun> inputs, int source, INDArray g, boolean needInputGradient) {
        NodeRun to = source < 0 ? inputs.get(-source - 1) : nodes.get(source);
        if (needInputGradient || (source >= 0 && to.outputNeedsGradient)) to.addGradient(g);
    }
}
