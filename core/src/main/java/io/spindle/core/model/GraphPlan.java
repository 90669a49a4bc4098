package io.spindle.core.model;

import io.spindle.core.config.ConfigException;
import io.spindle.core.nn.Layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A model graph checked and put in order: nodes in topological order (declaration order where free), each
 * node's sources, and every per-sample shape. Every problem is a {@link ConfigException} naming the node:
 * an unknown input name, a cycle, a node nothing reads, an input the output does not depend on, a shape mismatch.
 * A source {@code s >= 0} is the node at position {@code s} of {@link #order()}; {@code s < 0} is model input {@code -s - 1}.
 */
public final class GraphPlan {
    private final List<GraphNode> order = new ArrayList<>();
    private final List<int[]> sources = new ArrayList<>();
    private final List<List<long[]>> inputShapes = new ArrayList<>();
    private final List<long[]> outputShapes = new ArrayList<>();

    private final List<ModelInput> inputs;
    private final List<GraphNode> nodes;
    private final String output;
    private final boolean chain;

    GraphPlan(List<ModelInput> inputs, List<GraphNode> nodes, String output) {
        this.inputs = inputs;
        this.nodes = nodes;
        this.output = output;
        this.chain = ModelConfig.isChain(inputs, nodes, output);
        Map<String, Integer> inputIndex = new LinkedHashMap<>();
        Map<String, Integer> nodeIndex = new LinkedHashMap<>();
        for (int k = 0; k < inputs.size(); k++) inputIndex.put(inputs.get(k).name(), k);
        for (int i = 0; i < nodes.size(); i++) {
            String name = nodes.get(i).name();
            if (inputIndex.containsKey(name) || nodeIndex.putIfAbsent(name, i) != null) {
                throw new ConfigException(field(i), "the name \"" + name + "\" is used twice; each input and node needs its own");
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (!inputIndex.containsKey(in) && !nodeIndex.containsKey(in)) {
                    throw new ConfigException(field(i) + ".inputs", in, "the name of a model input " + inputIndex.keySet()
                            + " or of a node " + nodeIndex.keySet());
                }
            }
        }
        int[] position = sort(nodeIndex);
        checkReaders(inputIndex, nodeIndex);
        for (GraphNode n : order) {
            sources.add(n.inputs().stream().mapToInt(s -> inputIndex.containsKey(s) ? -inputIndex.get(s) - 1 : position[nodeIndex.get(s)]).toArray());
        }
        inferShapes(nodeIndex);
    }

    /** Kahn's algorithm, always taking the earliest declared node that is ready; returns each declared node's position. */
    private int[] sort(Map<String, Integer> nodeIndex) {
        int[] position = new int[nodes.size()];
        Arrays.fill(position, -1);
        for (int placed = 0; placed < nodes.size(); placed++) {
            int next = -1;
            for (int i = 0; i < nodes.size() && next < 0; i++) {
                if (position[i] < 0 && nodes.get(i).inputs().stream().allMatch(s -> !nodeIndex.containsKey(s) || position[nodeIndex.get(s)] >= 0)) next = i;
            }
            if (next < 0) throw cycle(nodeIndex, position);
            position[next] = placed;
            order.add(nodes.get(next));
        }
        return position;
    }

    private ConfigException cycle(Map<String, Integer> nodeIndex, int[] position) {
        int at = 0;
        while (position[at] >= 0) at++;
        LinkedHashSet<Integer> path = new LinkedHashSet<>();
        while (path.add(at)) {
            for (String s : nodes.get(at).inputs()) {
                Integer src = nodeIndex.get(s);
                if (src != null && position[src] < 0) {
                    at = src;
                    break;
                }
            }
        }
        List<String> names = new ArrayList<>();
        boolean in = false;
        for (int i : path) {
            in |= i == at;
            if (in) names.add(nodes.get(i).name());
        }
        java.util.Collections.reverse(names);
        names.add(names.get(0));
        return new ConfigException(field(at), "node \"" + nodes.get(at).name() + "\" is part of a cycle "
                + String.join(" -> ", names) + "; a model graph must not loop");
    }

    private void checkReaders(Map<String, Integer> inputIndex, Map<String, Integer> nodeIndex) {
        if (!nodeIndex.containsKey(output)) {
            throw new ConfigException("model.output", output, "the name of a node " + nodeIndex.keySet());
        }
        Map<String, Integer> readers = new HashMap<>();
        nodes.forEach(n -> n.inputs().forEach(s -> readers.merge(s, 1, Integer::sum)));
        for (int i = 0; i < nodes.size(); i++) {
            String name = nodes.get(i).name();
            if (!name.equals(output) && !readers.containsKey(name)) {
                throw new ConfigException(field(i), "node \"" + name + "\" is read by no other node and is not the output \""
                        + output + "\"; connect it or remove it");
            }
        }
        // With no cycle and every other node read, every node leads to the output: an input nobody reads is the only one it ignores.
        for (ModelInput in : inputs) {
            if (!readers.containsKey(in.name())) {
                throw new ConfigException("model.inputs." + in.name(), "the output \"" + output
                        + "\" does not depend on this input; feed it to a node or remove it");
            }
        }
    }

    private void inferShapes(Map<String, Integer> nodeIndex) {
        for (int p = 0; p < order.size(); p++) {
            GraphNode n = order.get(p);
            List<long[]> in = Arrays.stream(sources.get(p)).mapToObj(s -> s < 0 ? inputs.get(-s - 1).shape() : outputShapes.get(s)).toList();
            inputShapes.add(in);
            String field = field(nodeIndex.get(n.name()));
            try {
                if (n.merge() != null) {
                    outputShapes.add(n.merge().build().outputShape(in));
                } else {
                    long[] shape = in.get(0);
                    for (Layer l : n.layer().build(0)) shape = l.outputShape(shape);
                    outputShapes.add(shape);
                }
            } catch (IllegalArgumentException e) {
                if (e instanceof ConfigException c) throw c;
                throw new ConfigException(field, (n.layer() != null ? n.layer().toJson() : n.merge().toJson()).toString(), e.getMessage());
            }
        }
    }

    /** How an error names node {@code i}: {@code model.layers[i]} for a plain stack, else {@code model.nodes[i] (name)}. */
    private String field(int i) {
        return chain ? "model.layers[" + i + "]" : "model.nodes[" + i + "] (" + nodes.get(i).name() + ")";
    }

    /** The nodes in the order forward runs them. */
    public List<GraphNode> order() {
        return order;
    }

    /** The sources of the node at {@code position} (see the class comment). */
    public int[] sources(int position) {
        return sources.get(position).clone();
    }

    /** The per-sample shapes flowing into the node at {@code position}, one per source. */
    public List<long[]> inputShapes(int position) {
        return inputShapes.get(position);
    }

    /** The per-sample output shape of the node at {@code position}. */
    public long[] outputShape(int position) {
        return outputShapes.get(position).clone();
    }
}
