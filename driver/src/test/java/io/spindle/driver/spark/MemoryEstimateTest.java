package io.spindle.driver.spark;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.job.JobConfig;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native-memory estimate adds up what a worker allocates; YARN/K8s jobs without room for it are refused with the value to set. */
class MemoryEstimateTest {
    private static JobConfig mlp() {
        return JobConfig.parse("""
                {"data": {"train": "x"}, "model": {"input_shape": [784], "layers": [{"type": "dense", "units": 256, "activation": "relu"},
                  {"type": "dense", "units": 10}]}, "optimizer": {"type": "adam"}, "training": {"batch_size": 128, "workers": 2}}
                """, "test", List.of());
    }

    @Test
    void addsUpBuffersActivationsAndTheShard() {
        MemoryEstimate e = MemoryEstimate.of(mlp(), 60_000);
        long p = 784 * 256 + 256 + 256 * 10 + 10;
        assertEquals(4 * p, e.params());
        assertEquals(4 * p, e.grads());
        assertEquals(8 * p, e.optimizerState(), "adam keeps two values per parameter");
        // Local batch 64; each layer's output and its gradient; dense+relu may be one layer or two, never fewer values.
        assertTrue(e.activations() >= 4L * 64 * 2 * (256 + 10), "activations " + e.activations());
        // IDX pixels are stored as uint8 (one byte a feature), labels as float32; two float32 batch buffers.
        assertEquals(30_000L * (784 + 4) + 4L * 2 * 64 * 785, e.shard());
        assertEquals(4L * 2 * 64 * 785, MemoryEstimate.of(mlp(), 60_000, true).shard(), "spooled rows are not kept in memory");
        assertEquals(0, e.recommendedOverhead() % (128 << 20));
        assertTrue(e.recommendedOverhead() >= e.total() + MemoryEstimate.JVM_OFF_HEAP_BYTES);
        assertTrue(e.describe(64).contains("recommended spark.executor.memoryOverhead=" + (e.recommendedOverhead() >> 20) + "m"));
    }

    @Test
    void yarnWithoutRoomForTheNativeCoreIsRefusedWithTheValueToSet() {
        MemoryEstimate e = MemoryEstimate.of(mlp(), 60_000);
        SparkConf yarn = new SparkConf(false).set("spark.master", "yarn").set("spark.executor.memory", "2g");
        ConfigException refused = assertThrows(ConfigException.class, () -> ExecutorMemory.check(e, yarn, 2));
        assertTrue(refused.getMessage().contains("spark.executor.memoryOverhead") && refused.getMessage().contains("--conf spark.executor.memoryOverhead="
                + (e.recommendedOverhead() >> 20) + "m"), refused.getMessage());
        yarn.set("spark.executor.memoryOverhead", (e.recommendedOverhead() >> 20) + "m");
        assertDoesNotThrow(() -> ExecutorMemory.check(e, yarn, 2));
        // Standalone does not police the overhead: only JavaCPP's cap (the executor heap) applies.
        SparkConf standalone = new SparkConf(false).set("spark.master", "spark://h:7077").set("spark.executor.memory", "128m");
        ConfigException heap = assertThrows(ConfigException.class, () -> ExecutorMemory.check(e, standalone, 2));
        assertTrue(heap.getMessage().contains("org.bytedeco.javacpp.maxbytes"), heap.getMessage());
    }
}
