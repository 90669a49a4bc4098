package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

/**
 * The {@code checkpoint} section: a checkpoint at every epoch's end and, when {@code every_steps > 0},
 * every that many global steps; the newest {@code keep} are kept in RUN_DIR/checkpoints; a failed
 * barrier stage is retried from the newest good one until {@code max_attempts} attempts have run; when executors
 * were lost and none replaces them within {@code replace_seconds}, the retry runs on the task slots that remain.
 */
public record CheckpointConfig(int everySteps, int keep, int maxAttempts, int replaceSeconds) {
    public static final CheckpointConfig DEFAULTS = new CheckpointConfig(0, 2, 3, 60);

    public CheckpointConfig {
        if (everySteps < 0) throw new ConfigException("checkpoint.every_steps", everySteps, "an integer >= 0 (0: at epoch ends only)");
        if (keep < 1) throw new ConfigException("checkpoint.keep", keep, "an integer >= 1");
        if (maxAttempts < 1) throw new ConfigException("checkpoint.max_attempts", maxAttempts, "an integer >= 1 (1: never resume automatically)");
        if (replaceSeconds < 0) throw new ConfigException("checkpoint.replace_seconds", replaceSeconds, "an integer >= 0 (0: shrink at once)");
    }

    /** Reads the section; in {@code average} sync the replicas agree only right after averaging, so checkpoints go there. */
    public static CheckpointConfig fromJson(ConfigNode c, DistributedConfig distributed) {
        c.rejectUnknown("every_steps", "keep", "max_attempts", "replace_seconds");
        CheckpointConfig cfg = new CheckpointConfig(c.integer("every_steps", DEFAULTS.everySteps, 0, Integer.MAX_VALUE),
                c.integer("keep", DEFAULTS.keep, 1, 1000), c.integer("max_attempts", DEFAULTS.maxAttempts, 1, 100),
                c.integer("replace_seconds", DEFAULTS.replaceSeconds, 0, 86_400));
        if (distributed.sync().equals("average") && cfg.everySteps % distributed.averagingFrequency() != 0) {
            throw new ConfigException(c.field("every_steps"), cfg.everySteps, "a multiple of training.averaging_frequency ("
                    + distributed.averagingFrequency() + ") with sync average: only then do the replicas hold the same parameters");
        }
        return cfg;
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("every_steps", everySteps).put("keep", keep).put("max_attempts", maxAttempts)
                .put("replace_seconds", replaceSeconds);
    }
}
