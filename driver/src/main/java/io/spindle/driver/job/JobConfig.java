package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.LossPairing;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.core.train.TrainingConfig;

import java.util.List;

/**
 * A whole job file, validated before any work starts: {@code name}, {@code data}, {@code model},
 * {@code loss}, {@code optimizer}, {@code training}, {@code checkpoint}, {@code output}. Every error names its field.
 */
public record JobConfig(String name, DataConfig data, ModelConfig model, Loss loss, OptimizerConfig optimizer,
                        TrainingConfig training, DistributedConfig distributed, CheckpointConfig checkpoint, String outputDir) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JobConfig {
        distributed.checkVirtualShards(training.virtualShards());
    }

    /** Parses job JSON text, applies {@code --set} overrides, then validates. */
    public static JobConfig parse(String json, String source, List<String> overrides) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source, "is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (tree == null || !tree.isObject()) throw new ConfigException(source, "must hold one JSON object");
        ObjectNode root = (ObjectNode) tree;
        for (String o : overrides) JobOverrides.apply(root, o);
        return fromJson(new ConfigNode(root, ""));
    }

    public static JobConfig fromJson(ConfigNode c) {
        c.rejectUnknown("name", "data", "model", "loss", "optimizer", "training", "checkpoint", "output");
        if (!c.has("data")) throw new ConfigException("data", "required section is missing; e.g. {\"train\": \"PATH\", \"test\": \"PATH\"}");
        if (!c.has("model")) throw new ConfigException("model", "required section is missing; e.g. {\"input_shape\": [784], \"layers\": [...]}");
        ModelConfig model = ModelConfig.fromJson(c.object("model"));
        DataConfig data = DataConfig.fromJson(InputColumns.inline(c.object("data"), model));
        data.augment().check(model.inputShape(), "data.augment");
        Loss loss = Loss.fromJson("loss", c.json().get("loss"), data.task().equals("regression") ? "mse" : "softmax_cross_entropy");
        LossPairing.check(model, loss);
        OptimizerConfig optimizer = OptimizerConfig.fromJson(c.object("optimizer"));
        TrainingConfig training = TrainingConfig.fromJson(c.object("training"), DistributedConfig.FIELDS);
        DistributedConfig distributed = DistributedConfig.fromJson(c.object("training"), training.batchSize(), Network.parameterCount(model));
        if (training.earlyStopping() != null && training.earlyStopping().monitor().startsWith("val_") && !data.hasValidation()) {
            throw new ConfigException("training.early_stopping", "watches " + training.earlyStopping().monitor()
                    + " on validation rows, and the job has none: add data.validation (a path, read as data.train is) or data.validation_split"
                    + " (a fraction of the training rows, e.g. 0.1); data.test is evaluated once, at the end, and never watched");
        }
        if (training.earlyStopping() != null && training.earlyStopping().monitor().endsWith("accuracy") && !loss.classification()) {
            throw new ConfigException("training.early_stopping.monitor", training.earlyStopping().monitor(),
                    "val_loss or loss: accuracy is not measured for " + loss.name());
        }
        if (!data.classNames().isEmpty() && (!loss.classification() || data.classNames().size() != model.outputShape()[0])) {
            throw new ConfigException("data.class_names", data.classNames().size() + " names", loss.classification()
                    ? "one per class: the last layer has " + model.outputShape()[0] + " units" : "absent: " + loss.name() + " has no classes");
        }
        ConfigNode out = c.object("output");
        out.rejectUnknown("dir");
        String name = c.string("name", "job");
        CheckpointConfig checkpoint = CheckpointConfig.fromJson(c.object("checkpoint"), distributed);
        return new JobConfig(name, data, model, loss, optimizer, training, distributed, checkpoint, OutputDir.check(out.string("dir", "runs/" + name)));
    }

    /** The job with another run directory (--out, --resume), checked as {@code output.dir} is. */
    public JobConfig withOutputDir(String dir) {
        return new JobConfig(name, data, model, loss, optimizer, training, distributed, checkpoint, OutputDir.check(dir));
    }

    /** The job on {@code workers} workers (a run that shrank onto the task slots that remain). */
    public JobConfig withWorkers(int workers) {
        return new JobConfig(name, data, model, loss, optimizer, training, distributed.withWorkers(workers), checkpoint, outputDir);
    }

    /** The resolved job, with every default written out, as saved in the run directory. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode().put("name", name);
        n.set("data", data.toJson());
        n.set("model", model.toJson());
        n.set("loss", loss.toJson());
        n.set("optimizer", optimizer.toJson());
        ObjectNode t = training.toJson();
        distributed.writeTo(t);
        n.set("training", t);
        n.set("checkpoint", checkpoint.toJson());
        n.putObject("output").put("dir", outputDir);
        return n;
    }
}
