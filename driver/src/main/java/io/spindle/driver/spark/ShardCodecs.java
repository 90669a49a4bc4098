package io.spindle.driver.spark;

import io.spindle.core.data.IdxReader;
import io.spindle.core.data.store.Encoding;
import io.spindle.core.data.store.ValueCodec;
import io.spindle.driver.job.DataConfig;

/** The codec a worker stores its features with, from {@code data.storage} and the source's format. */
final class ShardCodecs {
    private ShardCodecs() {
    }

    /** For rows a worker reads from the source: uint8 IDX pixels are {@code x / 255f}; uint8 elsewhere holds the integers 0..255. */
    static ValueCodec forSource(DataConfig data, int width) {
        return of(data.storageEncoding(), data.format().equals("idx"), width);
    }

    /** For rows already decoded to floats in driver memory: float32 unless data.storage says otherwise. */
    static ValueCodec forRowsInMemory(DataConfig data, int width) {
        return of(data.storage() == null ? Encoding.FLOAT32 : data.storageEncoding(), data.format().equals("idx"), width);
    }

    private static ValueCodec of(Encoding encoding, boolean idx, int width) {
        if (encoding != Encoding.UINT8) return ValueCodec.plain(encoding);
        return idx ? IdxReader.pixelCodec(width) : ValueCodec.of(Encoding.UINT8, width);
    }
}
