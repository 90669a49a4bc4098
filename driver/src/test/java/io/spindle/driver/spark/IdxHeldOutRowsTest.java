package io.spindle.driver.spark;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.loss.Loss;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.train.Evaluation;
import io.spindle.core.train.Evaluator;
import io.spindle.driver.data.DataLoader;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import io.spindle.core.data.RowSelection;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On Spark local[2]: held-out IDX rows (test or validation) are read by the executors, each its own records; the parts
 * hold the floats the IDX reader makes, row for row, and evaluate as all of them read in one place.
 */
@Tag("spark")
class IdxHeldOutRowsTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("idx-held-out", "local[2]", 2);
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void executorsReadTheirPartsOfAnIdxPair(@TempDir Path dir) throws Exception {
        Path images = copy("t10k-images-idx3-ubyte.gz", dir), labels = copy("t10k-labels-idx1-ubyte.gz", dir);
        Dataset all = IdxReader.read(images, labels);
        IdxRecords.Header header = new DataLoader(Storage.withDefaults()).idxHeader(images.toString(), null);
        HeldOutRows held = HeldOutRows.idx(images.toUri().toString(), labels.toUri().toString(), header, 10);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Shard> parts = held.parts(sc, 3).collect();
        List<Shard> expected = ShardPlanner.split(all, 3, 3);
        for (int k = 0; k < 3; k++) {
            Dataset got = parts.get(k).toDataset(), want = expected.get(k).toDataset();
            assertArrayEquals(want.features().ravel().toFloatVector(), got.features().ravel().toFloatVector(), "part " + k);
            assertArrayEquals(want.labels().ravel().toFloatVector(), got.labels().ravel().toFloatVector(), "part " + k);
        }
        ModelConfig model = new ModelConfig(new long[] {784}, List.of(Dense.Config.of(16, ActivationFunction.RELU),
                Dense.Config.of(10, ActivationFunction.IDENTITY)));
        Network net = Network.initialized(model, 5, DataType.FLOAT);
        Evaluation distributed = DistributedEvaluator.evaluate(sc, model, Loss.softmaxCrossEntropy(), net.params().toFloatVector(), held, 2);
        Evaluation whole = Evaluator.evaluate(net, Loss.softmaxCrossEntropy(), all, 512);
        assertEquals(all.size(), distributed.samples());
        assertEquals(whole.loss(), distributed.loss(), 1e-6 * whole.loss());
        assertEquals(whole.accuracy(), distributed.accuracy(), 0);
    }

    @Test
    void eachSideOfAValidationSplitIsReadAsTheSelectedRecords(@TempDir Path dir) throws Exception {
        Path images = copy("t10k-images-idx3-ubyte.gz", dir), labels = copy("t10k-labels-idx1-ubyte.gz", dir);
        Dataset all = IdxReader.read(images, labels);
        IdxRecords.Header header = new DataLoader(Storage.withDefaults()).idxHeader(images.toString(), null);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        for (RowSelection side : List.of(RowSelection.heldOut(all.size(), 0.3, 9), RowSelection.keptIn(all.size(), 0.3, 9))) {
            int[] rows = java.util.stream.LongStream.range(0, all.size()).filter(side::takes).mapToInt(r -> (int) r).toArray();
            Dataset selected = new Dataset(Nd4j.pullRows(all.features(), 1, rows), Nd4j.pullRows(all.labels(), 1, rows), all.sampleShape(),
                    all.numClasses());
            List<Shard> parts = HeldOutRows.idx(images.toUri().toString(), labels.toUri().toString(), header, side, 10).parts(sc, 3).collect();
            List<Shard> expected = ShardPlanner.split(selected, 3, 3);
            for (int k = 0; k < 3; k++) {
                Dataset got = parts.get(k).toDataset(), want = expected.get(k).toDataset();
                assertArrayEquals(want.features().ravel().toFloatVector(), got.features().ravel().toFloatVector(), side.describe() + ", part " + k);
                assertArrayEquals(want.labels().ravel().toFloatVector(), got.labels().ravel().toFloatVector(), side.describe() + ", part " + k);
            }
        }
    }

    private static Path copy(String name, Path dir) throws Exception {
        try (InputStream in = IdxHeldOutRowsTest.class.getResourceAsStream("/fashion-mini/" + name)) {
            Path out = dir.resolve(name);
            Files.copy(in, out);
            return out;
        }
    }
}
