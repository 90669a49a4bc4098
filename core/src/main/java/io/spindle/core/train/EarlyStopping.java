package io.spindle.core.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigNode;

import java.util.List;

/**
 * Stop when {@code monitor} has not improved by more than {@code minDelta} for {@code patience}
 * epochs; with {@code restoreBest}, put back the parameters of the best epoch (as Keras does).
 */
public record EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
    public static final List<String> MONITORS = List.of("val_loss", "val_accuracy", "loss", "accuracy");

    public static EarlyStopping fromJson(ConfigNode c) {
        c.rejectUnknown("monitor", "patience", "min_delta", "restore_best");
        return new EarlyStopping(c.choice("monitor", "val_loss", MONITORS), c.integer("patience", 2, 1, 1_000_000),
                c.number("min_delta", 0.0, 0, false, Double.MAX_VALUE), c.bool("restore_best", true));
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("monitor", monitor).put("patience", patience)
                .put("min_delta", minDelta).put("restore_best", restoreBest);
    }

    /** True when larger values of the monitored quantity are better. */
    boolean maximize() {
        return monitor.endsWith("accuracy");
    }

    /** The monitored value of one epoch (NaN when that epoch did not measure it). */
    double valueOf(EpochStats s) {
        return switch (monitor) {
            case "val_loss" -> s.validationLoss();
            case "val_accuracy" -> s.validationAccuracy();
            case "loss" -> s.trainLoss();
            default -> s.trainAccuracy();
        };
    }
}
