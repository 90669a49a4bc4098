package io.spindle.core;

import io.spindle.core.model.GraphNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.ModelInput;
import io.spindle.core.nn.LayerConfig;
import io.spindle.core.nn.MergeConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The Keras-functional-style builder for models that are not a plain stack: named inputs, named nodes
 * that each read earlier nodes, merges, one output. It builds the same trainable model a stack does.
 * <pre>{@code
 * Sequential model = Graph.builder().input("img", 1, 28, 28)
 *     .node("c1", Layers.conv2d(16, 3, "same", "relu"), "img")
 *     .node("c2", Layers.conv2d(16, 3, "same", "identity"), "c1")
 *     .node("sum", Layers.add(), "c1", "c2")
 *     .node("gap", Layers.globalAveragePool(), "sum")
 *     .node("logits", Layers.dense(10), "gap")
 *     .output("logits").loss("softmax_cross_entropy").build();
 * }</pre>
 */
public final class Graph {
    private Graph() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects inputs, nodes and settings; {@link #config} and {@link #build} check the whole graph at once. */
    public static final class Builder extends ModelBuilder<Builder> {
        private final List<ModelInput> inputs = new ArrayList<>();
        private final List<GraphNode> nodes = new ArrayList<>();
        private String output;

        private Builder() {
        }

        /** A named model input with its per-sample shape; several inputs read one feature row, each flattened, in this order. */
        public Builder input(String name, long... shape) {
            inputs.add(new ModelInput(name, shape));
            return this;
        }

        /** A layer node reading one input or earlier node. */
        public Builder node(String name, LayerConfig layer, String input) {
            nodes.add(GraphNode.of(name, layer, input));
            return this;
        }

        /** A merge node ({@code add}, {@code concatenate}, {@code multiply}) reading two or more inputs or nodes. */
        public Builder node(String name, MergeConfig merge, String... inputs) {
            nodes.add(GraphNode.of(name, merge, List.of(inputs)));
            return this;
        }

        /** The node whose output is the model's; defaults to the last node added. */
        public Builder output(String node) {
            this.output = node;
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /** The checked architecture, as a job file's {@code model} section would hold it. */
        @Override
        public ModelConfig config() {
            String out = output != null ? output : nodes.isEmpty() ? null : nodes.get(nodes.size() - 1).name();
            return new ModelConfig(inputs, nodes, out);
        }
    }
}
