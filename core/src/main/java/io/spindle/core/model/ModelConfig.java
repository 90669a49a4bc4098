package io.spindle.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.LayerConfigs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The architecture as a job or model file writes it: named inputs, named nodes (layers and merges) and the
 * output node. A plain stack ({@code {"input_shape": [...], "layers": [...]}}) is the chain special case: one
 * input called {@code input}, node i named {@code <type>_<i>} reading node i-1. Construction checks the whole
 * graph ({@link GraphPlan}); a multi-input model reads each sample as its inputs flattened one after another.
 */
public record ModelConfig(List<ModelInput> inputs, List<GraphNode> nodes, String output) {
    /** The one input of a plain stack. */
    public static final String CHAIN_INPUT = "input";

    public ModelConfig {
        inputs = List.copyOf(inputs);
        nodes = List.copyOf(nodes);
        if (inputs.isEmpty()) throw new ConfigException("model.inputs", "must name at least one input, e.g. {\"img\": [1, 28, 28]}");
        if (nodes.isEmpty()) throw new ConfigException("model.nodes", "must list at least one node; allowed types " + LayerConfigs.TYPES);
        new GraphPlan(inputs, nodes, output);
    }

    /** A plain stack: {@code layers} in order on one input of shape {@code inputShape}. */
    public ModelConfig(long[] inputShape, List<LayerConfig> layers) {
        this(List.of(new ModelInput(CHAIN_INPUT, requireShape(inputShape))), chainNodes(layers), chainName(layers.size() - 1, layers));
    }

    private static long[] requireShape(long[] inputShape) {
        if (inputShape == null || inputShape.length == 0) throw new ConfigException("model.input_shape", "required field is missing; e.g. [784] or [1, 28, 28]");
        return inputShape;
    }

    private static List<GraphNode> chainNodes(List<LayerConfig> layers) {
        if (layers.isEmpty()) throw new ConfigException("model.layers", "must list at least one layer; allowed types " + LayerConfigs.TYPES);
        List<GraphNode> nodes = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            nodes.add(GraphNode.of(chainName(i, layers), layers.get(i), i == 0 ? CHAIN_INPUT : chainName(i - 1, layers)));
        }
        return nodes;
    }

    private static String chainName(int i, List<LayerConfig> layers) {
        return i < 0 ? CHAIN_INPUT : layers.get(i).type() + "_" + i;
    }

    /** Reads the stack form {@code {"input_shape", "layers"}} or the graph form {@code {"inputs", "nodes", "output"}}. */
    public static ModelConfig fromJson(ConfigNode c) {
        if (c.has("nodes") || c.has("inputs") || c.has("output")) return graphFromJson(c);
        c.rejectUnknown("input_shape", "layers");
        long[] in = c.shape("input_shape");
        if (in == null) throw new ConfigException(c.field("input_shape"), "required field is missing; e.g. [784] or [1, 28, 28]");
        List<LayerConfig> layers = c.objects("layers").stream().map(LayerConfigs::parse).toList();
        return new ModelConfig(in, layers);
    }

    private static ModelConfig graphFromJson(ConfigNode c) {
        c.rejectUnknown("inputs", "nodes", "output");
        JsonNode in = c.json().get("inputs");
        if (in == null || !in.isObject() || in.isEmpty()) {
            throw new ConfigException(c.field("inputs"), "required: an object of input names and shapes, e.g. {\"img\": [1, 28, 28]}");
        }
        List<ModelInput> inputs = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode().set(name, in.get(name));
            inputs.add(new ModelInput(name, new ConfigNode(wrapped, c.field("inputs")).shape(name)));
        }
        List<GraphNode> nodes = c.objects("nodes").stream().map(GraphNode::fromJson).toList();
        return new ModelConfig(inputs, nodes, c.requireString("output"));
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (isChain()) {
            Arrays.stream(inputs.get(0).shape()).forEach(n.putArray("input_shape")::add);
            nodes.forEach(node -> n.withArray("layers").add(node.layer().toJson()));
            return n;
        }
        ObjectNode in = n.putObject("inputs");
        inputs.forEach(i -> Arrays.stream(i.shape()).forEach(in.putArray(i.name())::add));
        nodes.forEach(node -> n.withArray("nodes").add(node.toJson()));
        return n.put("output", output);
    }

    /** Whether this is a plain stack, written in the {@code input_shape}/{@code layers} form. */
    public boolean isChain() {
        return isChain(inputs, nodes, output);
    }

    static boolean isChain(List<ModelInput> inputs, List<GraphNode> nodes, String output) {
        if (inputs.size() != 1 || !inputs.get(0).name().equals(CHAIN_INPUT)) return false;
        List<LayerConfig> layers = new ArrayList<>();
        for (GraphNode n : nodes) {
            if (n.layer() == null) return false;
            layers.add(n.layer());
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.get(i).name().equals(chainName(i, layers)) || !nodes.get(i).inputs().equals(List.of(chainName(i - 1, layers)))) return false;
        }
        return output.equals(chainName(nodes.size() - 1, layers));
    }

    /** How a message names the output node: {@code model.layers[i]} for a stack, {@code model.nodes[i] (name)} for a graph. */
    public String outputField() {
        int i = 0;
        while (!nodes.get(i).name().equals(output)) i++;
        return isChain() ? "model.layers[" + i + "]" : "model.nodes[" + i + "] (" + output + ")";
    }

    /** How a message names the input: {@code model.input_shape} for a stack, {@code model.inputs} for a graph. */
    public String inputField() {
        return isChain() ? "model.input_shape" : "model.inputs";
    }

    /** The checked graph: order, sources and shapes. */
    public GraphPlan plan() {
        return new GraphPlan(inputs, nodes, output);
    }

    /** The per-sample input: the one input's shape, or for several inputs [Σ widths] (each input flattened, in order). */
    public long[] inputShape() {
        if (inputs.size() == 1) return inputs.get(0).shape();
        return new long[] {inputs.stream().mapToLong(ModelInput::width).sum()};
    }

    /** The layers of the layer nodes, in declaration order (a plain stack's layer list). */
    public List<LayerConfig> layers() {
        return nodes.stream().filter(n -> n.layer() != null).map(GraphNode::layer).toList();
    }

    /** The per-sample output shape of the whole network. */
    public long[] outputShape() {
        GraphPlan p = plan();
        return p.outputShape(p.order().size() - 1);
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
