package io.spindle.driver.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.io.Checkpoint;
import io.spindle.core.io.Provenance;
import io.spindle.core.io.SavedModel;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the newest K; a truncated or bit-flipped newest checkpoint is skipped for the previous good one. */
class CheckpointStoreTest {
    private static final ModelConfig MLP = new ModelConfig(new long[] {4}, List.of(Dense.Config.of(3, ActivationFunction.IDENTITY)));

    private static Checkpoint at(long step) {
        Network net = Network.initialized(MLP, step, DataType.FLOAT);
        SavedModel m = new SavedModel(MLP, "softmax_cross_entropy", new ObjectMapper().createObjectNode().put("type", "sgd"),
                net.params(), null, step, new Provenance("test", 1, 2, "fp", "now", step, 0));
        return new Checkpoint(m, 1, (int) step, step, 1, new double[3], List.of());
    }

    @Test
    void keepsTheNewestAndSkipsDamagedOnes(@TempDir Path run) throws Exception {
        CheckpointStore store = new CheckpointStore(Storage.withDefaults(), run.toString(), 3);
        assertNull(store.latestGood(s -> { }));
        for (long s = 10; s <= 40; s += 10) store.save(at(s));
        Path dir = run.resolve("checkpoints");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("ckpt-000000000020.spindle", "ckpt-000000000030.spindle", "ckpt-000000000040.spindle"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "keep 3, no temp files");
        }
        assertEquals(40, store.latestGood(s -> { }).checkpoint().globalStep());

        // Bit flip in the newest (in the parameter values): the previous one is used, and the user hears why.
        Path newest = dir.resolve("ckpt-000000000040.spindle");
        try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
            f.seek(f.length() - 20);
            int b = f.read();
            f.seek(f.length() - 20);
            f.write(b ^ 0x04);
        }
        List<String> skipped = new ArrayList<>();
        CheckpointStore.Found found = store.latestGood(skipped::add);
        assertEquals(30, found.checkpoint().globalStep());
        assertTrue(skipped.size() == 1 && skipped.get(0).contains("ckpt-000000000040") && skipped.get(0).contains("checksum"), skipped.toString());

        // Truncated (an interrupted copy) as well: back to step 20.
        Path second = dir.resolve("ckpt-000000000030.spindle");
        Files.write(second, java.util.Arrays.copyOf(Files.readAllBytes(second), (int) Files.size(second) / 3));
        skipped.clear();
        assertEquals(20, store.latestGood(skipped::add).checkpoint().globalStep());
        assertTrue(skipped.get(1).contains("truncated"), skipped.toString());

        Files.writeString(dir.resolve(".ckpt-000000000050.spindle.1234.tmp"), "half");
        store.removeTempFiles();
        assertTrue(Files.notExists(dir.resolve(".ckpt-000000000050.spindle.1234.tmp")));
    }
}
