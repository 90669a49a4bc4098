package io.spindle.worker;

import io.spindle.core.data.DataFormatException;
import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.optim.Optimizer;
import io.spindle.core.optim.OptimizerConfig;
import io.spindle.worker.collective.Collective;
import io.spindle.worker.collective.CollectiveOptions;
import io.spindle.worker.collective.InJvmCollective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fashion-mini stored as uint8 (in memory or spooled to a mapped file) trains to the very bits of float32 storage,
 * in a quarter of the memory; a value uint8 cannot hold is named.
 */
class ShardStorageTest {
    private static final Path MINI = Path.of(System.getProperty("user.dir")).getParent().resolve("core/src/test/resources/fashion-mini");
    private static final ModelConfig MLP = new ModelConfig(new long[] {784}, List.of(
            Dense.Config.of(32, ActivationFunction.RELU), Dense.Config.of(10, ActivationFunction.IDENTITY)));

    @TempDir
    Path dir;

    private static Dataset fashion() throws IOException {
        return IdxReader.read(MINI.resolve("train-images-idx3-ubyte.gz"), null);
    }

    private static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    private static float[] train(Shard shard) {
        return train(shard, 40);
    }

    private static float[] train(Shard shard, int steps) {
        Network net = Network.initialized(MLP, 5, DataType.FLOAT);
        Optimizer opt = OptimizerConfig.adam(1e-3).create(net.layout(), DataType.FLOAT);
        try (Collective one = InJvmCollective.create(1, CollectiveOptions.defaults(new byte[CollectiveOptions.SECRET_BYTES])).get(0)) {
            WorkerLoop loop = new WorkerLoop(net, Loss.parse("loss", "softmax_cross_entropy"), opt, one, StepReporter.NONE);
            loop.run(shard.toRows(), new TrainingPlan(2, 50, steps, 11, true, SyncMode.ALLREDUCE, 1, false, 0), StartPoint.BEGINNING);
        }
        return net.params().toFloatVector();
    }

    @Test
    void uint8StorageTrainsTheSameBitsAsFloat32InAQuarterOfTheMemory() throws IOException {
        Dataset data = fashion();
        ValueCodec pixels = IdxReader.pixelCodec(784);
        Shard f32 = Shard.of(0, data, all(data.size()));
        Shard u8 = Shard.of(0, data, all(data.size()), pixels, null);
        Shard spooled = Shard.of(0, data, all(data.size()), pixels, dir.resolve("w0.spool"));
        assertEquals(0, spooled.memoryBytes());
        long header = Files.size(Path.of(spooled.spool())) - (2000L * 784 + 2000 * 4);
        assertTrue(header > 0 && header < 8192 && header % 64 == 0, "a header of " + header + " bytes before the rows");
        long featureF32 = f32.memoryBytes() - 2000 * 4, featureU8 = u8.memoryBytes() - 2000 * 4;
        assertEquals(4 * featureU8, featureF32, "features: " + featureF32 + " bytes as float32, " + featureU8 + " as uint8");
        float[] reference = train(f32);
        assertArrayEquals(reference, train(u8), 0f, "uint8 in memory");
        assertArrayEquals(reference, train(spooled), 0f, "uint8 spooled and mapped");
        assertArrayEquals(reference, train(Shard.openSpool(Path.of(spooled.spool()))), 0f, "the spool reopened from its header");
        assertArrayEquals(reference, train(f32.spoolTo(dir.resolve("f32.spool"))), 0f, "a float32 shard spooled as it is");
        assertEquals(data.fingerprint(), u8.toDataset().fingerprint());
    }

    @Test
    void sampleWeightsTravelWithTheRowsInMemoryAndThroughTheSpool() throws IOException {
        Dataset data = fashion().rows(0, 200);
        Dataset weighted = data.withWeights(Nd4j.rand(DataType.FLOAT, 200, 1).addi(0.5), "w");
        Shard memory = Shard.of(0, weighted, all(200));
        Shard spooled = Shard.of(0, weighted, all(200), IdxReader.pixelCodec(784), dir.resolve("w.spool"));
        assertEquals(weighted.fingerprint(), memory.toDataset().fingerprint(), "in memory");
        assertEquals(weighted.fingerprint(), spooled.toDataset().fingerprint(), "spooled");
        assertEquals(weighted.fingerprint(), Shard.openSpool(Path.of(spooled.spool())).toDataset().fingerprint(), "reopened");
        assertEquals(weighted.fingerprint(), memory.spoolTo(dir.resolve("m.spool")).toDataset().fingerprint(), "spooled as it is");
        float[] reference = train(memory, 4);
        assertArrayEquals(reference, train(spooled, 4), 0f, "weighted rows spooled train the same bits");
        assertFalse(java.util.Arrays.equals(reference, train(Shard.of(0, data, all(200)), 4)), "the weights changed the training");
    }

    @Test
    void float16SpoolGathersTheHalvesNd4jMakes() throws IOException {
        Dataset data = new Dataset(Nd4j.rand(DataType.FLOAT, 30, 4).muli(100), Nd4j.zeros(DataType.FLOAT, 30, 1), new long[] {4}, 2);
        Shard half = Shard.of(3, data, all(30), ValueCodec.plain(Encoding.FLOAT16), dir.resolve("h.spool"));
        assertEquals(data.features().castTo(DataType.HALF).castTo(DataType.FLOAT), half.toDataset().features());
    }

    @Test
    void aValueUint8CannotHoldIsNamedAndNoSpoolIsLeft() {
        float[] f = {1, 2, 300, 4, 5, 6};
        Dataset data = new Dataset(Nd4j.create(f, new long[] {3, 2}, 'c'), Nd4j.zeros(DataType.FLOAT, 3, 1), new long[] {2}, 2);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> Shard.of(0, data, new int[] {2, 1, 0}, ValueCodec.of(Encoding.UINT8, 2), dir.resolve("bad.spool")));
        assertTrue(e.getMessage().contains("feature column 0 of row 1 holds 300.0"), e.getMessage());
        assertNull(dir.toFile().list().length == 0 ? null : "files left: " + String.join(",", dir.toFile().list()));
    }
}
