package io.spindle.core.nn;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The immutable, validated description of one layer as written in a job or model file
 * ({@code {"type": "dense", "units": 256, "activation": "relu"}}). It builds the runtime layers.
 */
public interface LayerConfig {

    /** The JSON {@code type} name. */
    String type();

    /** The runtime layers (a dense layer with an activation builds two); {@code seed} feeds any randomness. */
    List<Layer> build(long seed);

    /** The JSON form, which {@link LayerConfigs#parse} reads back to an equal config. */
    ObjectNode toJson();
}
