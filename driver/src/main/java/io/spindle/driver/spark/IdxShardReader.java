package io.spindle.driver.spark;

import io.spindle.core.data.IdxReader;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.data.RowSelection;
import io.spindle.core.data.VirtualShards;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.run.Storage;
import io.spindle.worker.Shard;
import io.spindle.worker.ShardWriter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Executor side: worker k reads only the records of its virtual shards of an IDX pair (k, k+N, ... of the run's
 * {@link VirtualShards} over the {@code selected} rows) and stores them as it goes, in memory or straight into its
 * spool file. The driver passes the row selection (the header's row count, and a validation split's draw if any) and
 * the image shape it read from the headers; nothing here reads the whole file.
 */
record IdxShardReader(String images, String labels, RowSelection selected, long[] sampleShape, int classes) implements SourcePart {
    @Override
    public Shard read(int k, int workers, int virtualShards, ValueCodec codec, Path spool) throws IOException {
        VirtualShards shards = new VirtualShards(selected.rows(), virtualShards);
        List<VirtualShards.Range> mine = selected.spans(shards.ownedBy(k, workers));
        int owned = Math.toIntExact(shards.rowsOf(k, workers));
        String labelsUri = labels != null ? labels : IdxReader.labelsPathFor(images);
        ValueCodec pixels = IdxReader.pixelCodec((int) (sampleShape[1] * sampleShape[2]));
        Storage storage = Storage.withDefaults();
        try (InputStream i = storage.open(images); InputStream l = storage.open(labelsUri);
             ShardWriter out = new ShardWriter(k, owned, sampleShape, 1, classes, codec, spool)) {
            IdxRecords.Header h = IdxRecords.read(i, images, l, labelsUri, mine, (p, lb, n, first) -> add(out, p, pixels, lb, n, first));
            if (h.rows() != selected.sourceRows()) {
                throw new IOException(images + " now holds " + h.rows() + " images; the job started with " + selected.sourceRows());
            }
            return out.finish();
        }
    }

    /** Appends the selected records of a block of {@code n} from source row {@code first}, moved to its front in place. */
    private void add(ShardWriter out, byte[] codes, ValueCodec pixels, byte[] labelBytes, int n, long first) throws IOException {
        if (selected.whole()) {
            out.addBytes(codes, pixels, labelBytes, n, first);
            return;
        }
        int width = codes.length / n, kept = 0;
        long[] sourceRows = new long[n];
        for (int i = 0; i < n; i++) {
            if (!selected.takes(first + i)) continue;
            System.arraycopy(codes, i * width, codes, kept * width, width);
            labelBytes[kept] = labelBytes[i];
            sourceRows[kept++] = first + i;
        }
        out.addBytes(codes, pixels, labelBytes, kept, i -> sourceRows[i]);
    }
}
