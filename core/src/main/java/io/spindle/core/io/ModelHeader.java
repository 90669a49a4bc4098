package io.spindle.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.List;

/**
 * The JSON header of a model file. Reading is two-phase: {@link #decode} takes only what is needed to
 * read the value sections (dtype, counts); {@link #toModel} validates the rest once the checksum has
 * passed, so a damaged file reports "checksum mismatch" rather than a puzzling config error.
 */
final class ModelHeader {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final List<String> DTYPES = List.of("float32", "float64");

    private final ConfigNode root;
    private final DataType dataType;
    private final long paramCount;
    private final long stateCount;

    private ModelHeader(ConfigNode root, DataType dataType, long paramCount, long stateCount) {
        this.root = root;
        this.dataType = dataType;
        this.paramCount = paramCount;
        this.stateCount = stateCount;
    }

    /**
     * The header of {@code m}, whose params and optimizer state hold {@code paramCount} and {@code stateCount} values,
     * plus a {@code checkpoint} section (null for a plain model) that model readers ignore.
     */
    static byte[] encode(SavedModel m, long paramCount, long stateCount, ObjectNode checkpoint) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.set("model", m.model().toJson());
        n.put("loss", m.loss());
        n.set("optimizer", m.optimizer().deepCopy());
        n.put("param_dtype", dtypeName(m.params().dataType()));
        n.put("param_count", paramCount);
        n.put("optimizer_state_count", stateCount);
        n.put("optimizer_iteration", m.optimizerIteration());
        Provenance p = m.provenance();
        ObjectNode pn = n.putObject("provenance");
        pn.put("spindle_version", p.spindleVersion());
        pn.put("seed", p.seed());
        pn.put("workers", p.workers());
        pn.put("data_fingerprint", p.dataFingerprint());
        pn.put("created_at", p.createdAt());
        pn.put("steps", p.steps());
        pn.put("epochs", p.epochs());
        if (checkpoint != null) n.set("checkpoint", checkpoint);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a model header", e);
        }
    }

    /** The file's name for a value type; only float32 and float64 parameters are stored. */
    static String dtypeName(DataType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            default -> throw new IllegalArgumentException("parameters are " + t + "; a model file stores FLOAT or DOUBLE");
        };
    }

    /** Parses the JSON and the layout fields; any problem here means damaged bytes. */
    static ModelHeader decode(byte[] utf8, String source) throws ModelFileException {
        JsonNode json;
        try {
            json = JSON.readTree(utf8);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " (at header byte " + e.getLocation().getByteOffset() + ")";
            throw ModelFileException.corruptHeader(source, "not valid UTF-8 JSON: " + e.getOriginalMessage() + at);
        } catch (IOException e) {
            throw ModelFileException.corruptHeader(source, "not valid UTF-8 JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw ModelFileException.corruptHeader(source, "not a JSON object");
        }
        try {
            ConfigNode root = new ConfigNode(json, "");
            DataType type = root.choice("param_dtype", null, DTYPES).equals("float32") ? DataType.FLOAT : DataType.DOUBLE;
            long maxCount = RawValues.MAX_SECTION_BYTES / type.width();
            return new ModelHeader(root, type, count(root, "param_count", maxCount), count(root, "optimizer_state_count", maxCount));
        } catch (ConfigException e) {
            throw ModelFileException.corruptHeader(source, e.getMessage());
        }
    }

    /** A top-level header object such as {@code checkpoint}, or null when absent. */
    ConfigNode section(String key) {
        return root.has(key) ? root.object(key) : null;
    }

    DataType dataType() {
        return dataType;
    }

    long paramCount() {
        return paramCount;
    }

    long stateCount() {
        return stateCount;
    }

    /** The model, after the checksum has passed: errors now mean a header this build does not accept. */
    SavedModel toModel(INDArray params, INDArray state, String source) throws ModelFileException {
        ModelConfig model;
        try {
            require(root, "model");
            model = ModelConfig.fromJson(new ConfigNode(root.json().get("model"), "model"));
        } catch (IllegalArgumentException e) {
            throw ModelFileException.invalidHeader(source, "the model config is invalid: " + e.getMessage());
        }
        try {
            String loss = root.requireString("loss");
            require(root, "optimizer");
            ObjectNode optimizer = (ObjectNode) root.object("optimizer").json();
            long iteration = requireLong(root, "optimizer_iteration");
            require(root, "provenance");
            return new SavedModel(model, loss, optimizer.deepCopy(), params, state, iteration,
                    provenance(root.object("provenance")));
        } catch (ConfigException e) {
            throw ModelFileException.invalidHeader(source, e.getMessage());
        }
    }

    // Provenance is read back as written: the writer accepts any values, so the reader checks types only.
    private static Provenance provenance(ConfigNode c) {
        return new Provenance(c.string("spindle_version", null), requireLong(c, "seed"),
                c.requireInt("workers", Integer.MIN_VALUE, Integer.MAX_VALUE), c.string("data_fingerprint", null),
                c.string("created_at", null), requireLong(c, "steps"),
                c.requireInt("epochs", Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    private static long count(ConfigNode c, String key, long max) {
        long v = requireLong(c, key);
        if (v < 0 || v > max) throw new ConfigException(c.field(key), v, "an integer in [0, " + max + "]");
        return v;
    }

    private static long requireLong(ConfigNode c, String key) {
        require(c, key);
        return c.longValue(key, 0);
    }

    private static void require(ConfigNode c, String key) {
        if (!c.has(key)) throw new ConfigException(c.field(key), "required field is missing");
    }
}
