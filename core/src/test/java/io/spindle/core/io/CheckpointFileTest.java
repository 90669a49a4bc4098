package io.spindle.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.testing.TestArrays;
import io.spindle.core.train.EpochStats;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints are checksummed model files with a position: exact round trip, and damage is detected. */
class CheckpointFileTest {
    private static final ModelConfig MLP = new ModelConfig(new long[] {4},
            List.of(Dense.Config.of(8, ActivationFunction.RELU), Dense.Config.of(3, ActivationFunction.IDENTITY)));

    static Checkpoint checkpoint() {
        Network net = Network.initialized(MLP, 3, DataType.FLOAT);
        SavedModel m = new SavedModel(MLP, "softmax_cross_entropy", new ObjectMapper().createObjectNode().put("type", "adam"),
                net.params(), TestArrays.gaussian(5, DataType.FLOAT, 2 * net.numParams()), 37,
                new Provenance("0.1.0", 11, 2, "sha256:x", "2026-01-01T00:00:00Z", 37, 2));
        List<EpochStats> history = List.of(new EpochStats(1, 0.9, 0.7, Double.NaN, Double.NaN, 1000, 2.5, 1e-3),
                new EpochStats(2, 0.6, 0.8, 0.65, 0.79, 1100, 2.4, 9e-4));
        return new Checkpoint(m, 3, 7, 37, 11, new double[] {12.5, 40, 56}, history);
    }

    static byte[] bytes(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointFile.write(c, out);
        return out.toByteArray();
    }

    private static Checkpoint read(byte[] b) throws IOException {
        return CheckpointFile.read(new ByteArrayInputStream(b), "ckpt");
    }

    @Test
    void roundTripKeepsEverythingToResume() throws IOException {
        Checkpoint c = checkpoint();
        Checkpoint back = read(bytes(c));
        assertEquals(List.of(3, 7, 37L, 11L), List.of(back.epoch(), back.step(), back.globalStep(), back.dataSeed()));
        assertArrayEquals(c.epochTotals(), back.epochTotals());
        assertEquals(c.history(), back.history());
        assertArrayEquals(c.model().params().toFloatVector(), back.model().params().toFloatVector());
        assertArrayEquals(c.model().optimizerState().toFloatVector(), back.model().optimizerState().toFloatVector());
        assertEquals(37, back.model().optimizerIteration());
        // It is also a model file: evaluate/predict can load it as one.
        SavedModel asModel = ModelFile.read(new ByteArrayInputStream(bytes(c)), "ckpt");
        assertEquals(MLP, asModel.model());
    }

    @Test
    void truncatedOrBitFlippedCheckpointIsRejected() throws IOException {
        byte[] good = bytes(checkpoint());
        ModelFileException cut = assertThrows(ModelFileException.class, () -> read(Arrays.copyOf(good, good.length - 100)));
        assertEquals(ModelFileException.Problem.TRUNCATED, cut.problem(), cut.getMessage());
        for (int at : new int[] {40, good.length / 2, good.length - 12}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            ModelFileException e = assertThrows(ModelFileException.class, () -> read(flipped), "bit flip at " + at);
            assertTrue(e.getMessage().startsWith("ckpt: "), e.getMessage());
        }
    }

    @Test
    void aPlainModelIsNotACheckpoint() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(checkpoint().model(), out);
        ModelFileException e = assertThrows(ModelFileException.class, () -> read(out.toByteArray()));
        assertTrue(e.getMessage().contains("without a checkpoint section"), e.getMessage());
    }
}
