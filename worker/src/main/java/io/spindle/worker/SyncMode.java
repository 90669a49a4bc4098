package io.spindle.worker;

import java.util.Arrays;
import java.util.List;

/** How the replicas stay in step: the job file's {@code training.sync}. */
public enum SyncMode {
    /** The gradients are averaged every step (sharded where the optimizer allows). */
    ALLREDUCE("allreduce"),
    /** Local SGD: each replica steps alone and the parameters are averaged every k steps. */
    AVERAGE("average");

    private final String jsonName;

    SyncMode(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(SyncMode::jsonName).toList();
    }

    /** The mode named {@code name} in a job file. */
    public static SyncMode parse(String name) {
        for (SyncMode m : values()) if (m.jsonName.equals(name)) return m;
        throw new IllegalArgumentException("sync must be one of " + names() + ", got " + name);
    }
}
