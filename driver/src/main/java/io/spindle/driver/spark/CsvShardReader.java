package io.spindle.driver.spark;

import io.spindle.core.data.CsvLayout;
import io.spindle.core.data.CsvLines;
import io.spindle.core.data.RowSelection;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.data.CsvSplits;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import io.spindle.worker.ShardWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Executor side: worker k reads only the splits of a CSV file that hold rows of its virtual shards, parses only those rows,
 * and stores them as it goes, in memory or straight into its spool file. The rows and their order are the whole-file
 * reader's, so the shard holds the same floats as one cut from a file read whole. The virtual shards cut the
 * {@code selected} rows: all of them, or one side of a validation split's draw.
 */
record CsvShardReader(CsvSplits splits, RowSelection selected) implements SourcePart {
    private static final int BLOCK_ROWS = 1024;

    /** Every row of the file. */
    CsvShardReader(CsvSplits splits) {
        this(splits, RowSelection.all(splits.rows()));
    }

    @Override
    public Shard read(int k, int workers, int virtualShards, ValueCodec codec, Path spool) throws IOException {
        VirtualShards shards = new VirtualShards(selected.rows(), virtualShards);
        List<VirtualShards.Range> mine = selected.spans(shards.ownedBy(k, workers));
        CsvLayout layout = splits.layout();
        try (ShardWriter out = new ShardWriter(k, Math.toIntExact(shards.rowsOf(k, workers)), new long[] {layout.width()}, 1,
                splits.classes(), codec, layout.weighted(), spool)) {
            Block block = new Block(layout, out);
            int range = 0;
            for (int s : splitsHolding(mine)) range = readSplit(s, mine, range, block);
            block.flush();
            return out.finish();
        }
    }

    /** The splits that hold rows of {@code ranges} (ascending, as are the ranges): the only ones a worker opens. */
    int[] splitsHolding(List<VirtualShards.Range> ranges) {
        long[] rowsBefore = splits.rowsBefore();
        return java.util.stream.IntStream.range(0, splits.splits())
                .filter(s -> ranges.stream().anyMatch(r -> r.from() < rowsBefore[s + 1] && rowsBefore[s] < r.to())).toArray();
    }

    /** Reads the rows of split {@code s} that fall in {@code mine} from range {@code range} on; returns the first range not yet done. */
    private int readSplit(int s, List<VirtualShards.Range> mine, int range, Block block) throws IOException {
        long[] bounds = splits.bounds();
        long firstLine = splits.linesBefore()[s];
        long[] row = {splits.rowsBefore()[s]};
        int[] next = {range};
        try (InputStream in = Storage.withDefaults().openAt(splits.uri(), Math.max(0, bounds[s] - 1))) {
            CsvLines.read(in, bounds[s], bounds[s + 1], (number, offset, text) -> {
                if (!splits.isData(offset, text)) return true;
                long r = row[0]++;
                while (next[0] < mine.size() && r >= mine.get(next[0]).to()) next[0]++;
                if (next[0] == mine.size()) return false;
                if (r >= mine.get(next[0]).from() && selected.takes(r)) block.add(firstLine + number, text, r);
                return true;
            });
        }
        return next[0];
    }

    /** Rows parsed into one block of floats, handed to the shard writer when full. */
    private static final class Block {
        private final CsvLayout layout;
        private final ShardWriter out;
        private final float[] features, labels, weights, labelAndWeight = new float[2];
        private final long[] sourceRows = new long[BLOCK_ROWS];
        private int count;

        Block(CsvLayout layout, ShardWriter out) {
            this.layout = layout;
            this.out = out;
            this.features = new float[BLOCK_ROWS * layout.width()];
            this.labels = new float[BLOCK_ROWS];
            this.weights = layout.weighted() ? new float[BLOCK_ROWS] : null;
        }

        void add(long line, String text, long sourceRow) throws IOException {
            layout.parse(line, layout.cells(text), features, count * layout.width(), labelAndWeight);
            labels[count] = labelAndWeight[0];
            if (weights != null) weights[count] = labelAndWeight[1];
            sourceRows[count++] = sourceRow;
            if (count == BLOCK_ROWS) flush();
        }

        void flush() throws IOException {
            if (count == 0) return;
            out.add(features, labels, weights, count, i -> sourceRows[i]);
            count = 0;
        }
    }
}
