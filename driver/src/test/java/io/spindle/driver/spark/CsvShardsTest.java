package io.spindle.driver.spark;

import io.spindle.core.data.CsvOptions;
import io.spindle.core.data.CsvReader;
import io.spindle.core.data.DataFormatException;
import io.spindle.core.data.Dataset;
import io.spindle.core.data.RowSelection;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.CsvSplits;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Spark local[2]: a CSV file cut into byte splits, counted and checked by the executors, then read by each worker from
 * the splits that hold its rows only. The shards hold the floats of a whole-file read, row for row; the count, classes
 * and fingerprint do not depend on the split size; a bad cell is reported with the whole-file reader's own message.
 */
@Tag("spark")
class CsvShardsTest {
    private static final int ROWS = 3_000;
    private static final CsvOptions OPTIONS = new CsvOptions(true, "label", ',', true, "w");
    private static SparkSession spark;
    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessions.getOrCreate("csv-shards", "local[2]", 2);
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void workersReadOnlyTheirSplitsAndGetTheWholeFileReadersRows(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("train.csv"), table(null));
        Dataset whole = CsvReader.read(file, OPTIONS);
        Storage storage = Storage.withDefaults();
        CsvSplits fine = CsvSplits.count(sc, storage, file.toString(), OPTIONS, 2_000);
        CsvSplits coarse = CsvSplits.count(sc, storage, file.toString(), OPTIONS);
        assertTrue(fine.splits() > 40, fine.splits() + " splits");
        assertEquals(1, coarse.splits());
        for (CsvSplits s : List.of(fine, coarse)) {
            assertEquals(whole.size(), s.rows());
            assertEquals(whole.numClasses(), s.classes());
            assertEquals(3, s.layout().width());
        }
        assertEquals(coarse.fingerprint(), fine.fingerprint(), "the fingerprint does not depend on the splits");

        CsvShardReader reader = new CsvShardReader(fine);
        int workers = 3, virtualShards = 8;
        int[] opened = new int[workers];
        for (int k = 0; k < workers; k++) {
            Path spool = k == 1 ? dir.resolve("spool-1") : null;   // one worker writes straight to its spool file
            Shard got = reader.read(k, workers, virtualShards, ValueCodec.plain(Encoding.FLOAT32), spool);
            Shard want = Shard.of(k, whole, ShardPlanner.rowsOf(whole.size(), workers, k, virtualShards));
            assertSameRows(want.toDataset(), got.toDataset(), "worker " + k);
            opened[k] = reader.splitsHolding(new VirtualShards(fine.rows(), virtualShards).ownedBy(k, workers)).length;
        }
        // Each worker owns 2 or 3 of 8 virtual shards (at most 3/8 of the rows): it opens their splits, and a split that
        // straddles a shard's edge is opened by both owners.
        for (int k = 0; k < workers; k++) assertTrue(opened[k] < fine.splits() / 2, "worker " + k + " opened " + opened[k] + " of " + fine.splits());
        assertTrue(opened[0] + opened[1] + opened[2] <= fine.splits() + 7, "the workers together read the file about once");
    }

    @Test
    void aValidationSplitsSidesAreReadByTheWorkersAsTheSelectedRowsOfAWholeFileRead(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("train.csv"), table(null));
        Dataset whole = CsvReader.read(file, OPTIONS);
        CsvSplits fine = CsvSplits.count(sc, Storage.withDefaults(), file.toString(), OPTIONS, 2_000);
        for (RowSelection side : List.of(RowSelection.keptIn(fine.rows(), 0.25, 42), RowSelection.heldOut(fine.rows(), 0.25, 42))) {
            Dataset rows = selected(whole, side);
            CsvShardReader reader = new CsvShardReader(fine, side);
            int workers = 3, virtualShards = 6;
            for (int k = 0; k < workers; k++) {
                Shard got = reader.read(k, workers, virtualShards, ValueCodec.plain(Encoding.FLOAT32), k == 2 ? dir.resolve("spool-" + k) : null);
                assertSameRows(Shard.of(k, rows, ShardPlanner.rowsOf(rows.size(), workers, k, virtualShards)).toDataset(), got.toDataset(),
                        side.describe() + ", worker " + k);
            }
        }
    }

    /** The rows of {@code d} that {@code side} takes, in order. */
    private static Dataset selected(Dataset d, RowSelection side) {
        int[] rows = java.util.stream.LongStream.range(0, d.size()).filter(side::takes).mapToInt(r -> (int) r).toArray();
        return new Dataset(Nd4j.pullRows(d.features(), 1, rows), Nd4j.pullRows(d.labels(), 1, rows), d.sampleShape(), d.numClasses())
                .withWeights(Nd4j.pullRows(d.weights(), 1, rows), "w");
    }

    @Test
    void aBadCellDeepInTheFileGetsTheWholeFileReadersMessage(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("bad.csv"), table("2,x1.5,1,0,0.5"));
        String expected = assertThrows(DataFormatException.class, () -> CsvReader.read(file, OPTIONS)).getMessage();
        assertTrue(expected.contains("\"x1.5\" is not a number"), expected);
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvSplits.count(sc, Storage.withDefaults(), file.toString(), OPTIONS, 2_000));
        assertEquals(expected, e.getMessage());
        Path ragged = write(dir.resolve("ragged.csv"), table("1,2,1"));
        assertEquals(assertThrows(DataFormatException.class, () -> CsvReader.read(ragged, OPTIONS)).getMessage(),
                assertThrows(DataFormatException.class, () -> CsvSplits.count(sc, Storage.withDefaults(), ragged.toString(), OPTIONS, 2_000)).getMessage());
    }

    private static void assertSameRows(Dataset want, Dataset got, String what) {
        assertEquals(want.size(), got.size(), what);
        assertArrayEquals(want.features().ravel().toFloatVector(), got.features().ravel().toFloatVector(), what);
        assertArrayEquals(want.labels().ravel().toFloatVector(), got.labels().ravel().toFloatVector(), what);
        assertArrayEquals(want.weights().ravel().toFloatVector(), got.weights().ravel().toFloatVector(), what);
    }

    /**
     * A header with a byte-order mark, then rows of three features, a weight and a class label, with "\r\n" and "\n" line
     * ends, blank lines and quoted cells; {@code bad} (if not null) replaces a row near the end.
     */
    private static String table(String bad) {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder csv = new StringBuilder("\uFEFFf0,\"f1\",w,label,f2\r\n");
        for (int r = 0; r < ROWS; r++) {
            if (r % 97 == 0) csv.append(r % 2 == 0 ? "\n" : "  \r\n");
            if (bad != null && r == ROWS - 40) {
                csv.append(bad).append('\n');
                continue;
            }
            String f0 = String.format(Locale.ROOT, "%.6f", random.nextDouble(-3, 3));
            String f1 = r % 5 == 0 ? "\"" + random.nextInt(100) + "\"" : Float.toString((float) random.nextGaussian());
            csv.append(f0).append(',').append(f1).append(',').append(0.5 + random.nextInt(4)).append(',')
                    .append(random.nextInt(7)).append(',').append(random.nextDouble()).append(r % 3 == 0 ? "\r\n" : "\n");
        }
        return csv.toString();
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
