package io.spindle.driver.spark;

import io.spindle.core.data.IdxReader;
import io.spindle.core.data.IdxRecords;
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
 * {@link VirtualShards}) and stores them as it goes, in memory or straight into its spool file.
 * The driver passes the row count and image shape it read from the headers; nothing here reads the whole file.
 */
record IdxShardReader(String images, String labels, long rows, long[] sampleShape, int classes) implements SourcePart {
    @Override
    public Shard read(int k, int workers, int virtualShards, ValueCodec codec, Path spool) throws IOException {
        VirtualShards shards = new VirtualShards(rows, virtualShards);
        List<VirtualShards.Range> mine = shards.ownedBy(k, workers);
        int owned = Math.toIntExact(shards.rowsOf(k, workers));
        String labelsUri = labels != null ? labels : IdxReader.labelsPathFor(images);
        ValueCodec pixels = IdxReader.pixelCodec((int) (sampleShape[1] * sampleShape[2]));
        Storage storage = Storage.withDefaults();
        try (InputStream i = storage.open(images); InputStream l = storage.open(labelsUri);
             ShardWriter out = new ShardWriter(k, owned, sampleShape, 1, classes, codec, spool)) {
            IdxRecords.Header h = IdxRecords.read(i, images, l, labelsUri, mine, (p, lb, n, first) -> out.addBytes(p, pixels, lb, n, first));
            if (h.rows() != rows) throw new IOException(images + " now holds " + h.rows() + " images; the job started with " + rows);
            return out.finish();
        }
    }
}
