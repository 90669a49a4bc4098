package io.spindle.core.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Writes and reads {@code model.spindle} files: a versioned binary file, never Java serialization.
 * Every number is little-endian; byte by byte:
 * <pre>
 * offset   length  content
 * 0        8       magic, ASCII "SPNDLMDL" (53 50 4E 44 4C 4D 44 4C)
 * 8        4       format version, int32 (= 1)
 * 12       4       H, the header length in bytes, int32, 0 &lt;= H &lt;= 16 MiB
 * 16       H       header, a UTF-8 JSON object:
 *                    "model"                 ModelConfig JSON ({"input_shape": [...], "layers": [...]}, or a graph's
 *                                            {"inputs": {...}, "nodes": [...], "output": ...})
 *                    "loss"                  loss name
 *                    "optimizer"             optimizer config object
 *                    "param_dtype"           "float32" (4-byte values) or "float64" (8-byte values)
 *                    "param_count"           P, the number of parameters
 *                    "optimizer_state_count" S, the number of optimizer-state values (0 when stateless)
 *                    "optimizer_iteration"   the optimizer's step count
 *                    "provenance"            {"spindle_version", "seed", "workers", "data_fingerprint",
 *                                             "created_at", "steps", "epochs"}
 *                    "checkpoint"            only in checkpoints: where training resumes (see {@link CheckpointFile})
 * 16+H     P*w     parameters: IEEE-754 values of param_dtype (w = 4 or 8), the flat buffer in order
 * 16+H+P*w S*w     optimizer state: same type, same layout convention
 * end-8    8       trailer: CRC-32C (Castagnoli) of every byte before it, as an int64 (upper 32 bits zero)
 * </pre>
 * Nothing follows the trailer. Readers ignore header fields they do not know, so a field can be added
 * without a version bump; anything that changes the binary layout bumps the version.
 */
public final class ModelFile {
    /** The format version this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    static final String MAGIC_TEXT = "SPNDLMDL";
    private static final byte[] MAGIC = MAGIC_TEXT.getBytes(StandardCharsets.US_ASCII);
    /** Headers are a few KiB; a larger length means damaged bytes, not a model, so don't allocate it. */
    private static final int MAX_HEADER_BYTES = 16 << 20;

    private ModelFile() {
    }

    /**
     * Writes {@code m} to {@code out}, flushes it and leaves it open. Parameters of any shape or layout
     * (views included) are written flat in c order; a null optimizer state is written as empty.
     *
     * @throws IllegalArgumentException when {@code m} cannot be stored (missing field, dtype other than
     *                                  FLOAT/DOUBLE, optimizer state of another dtype than the parameters)
     */
    public static void write(SavedModel m, OutputStream out) throws IOException {
        write(m, null, out);
    }

    /** Writes {@code m} with an extra header section {@code checkpoint} (see {@link CheckpointFile}). */
    static void write(SavedModel m, ObjectNode checkpoint, OutputStream out) throws IOException {
        Objects.requireNonNull(m, "model to write");
        INDArray params = m.params();
        INDArray state = stateOf(m);
        checkWritable(m, state);
        byte[] header = ModelHeader.encode(m, params.length(), state.length(), checkpoint);

        CRC32C crc = new CRC32C();
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        CheckedOutputStream body = new CheckedOutputStream(buffered, crc);
        body.write(MAGIC);
        body.write(int32(FORMAT_VERSION));
        body.write(int32(header.length));
        body.write(header);
        RawValues.write(params, body);
        RawValues.write(state, body);
        // The trailer goes around the checksummed stream: it covers everything before it, not itself.
        buffered.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).array());
        buffered.flush();
    }

    /**
     * Reads one model from {@code in} (left open), which must hold a model file and nothing after it.
     * {@code sourceName} (a path or URI) starts every error message. Parameters and optimizer state
     * come back as fresh rank-1 arrays of the stored dtype.
     *
     * @throws ModelFileException when the bytes are not a model this build can load; the message says why
     */
    public static SavedModel read(InputStream in, String sourceName) throws IOException {
        return readWithHeader(in, sourceName).model();
    }

    /** A verified model and its header, for readers of extra sections. */
    record Read(SavedModel model, ModelHeader header) {
    }

    static Read readWithHeader(InputStream in, String sourceName) throws IOException {
        CRC32C crc = new CRC32C();
        CheckedInputStream body = new CheckedInputStream(in, crc);
        readMagic(body, sourceName);
        int version = int32(exactly(body, 4, "format version", sourceName));
        if (version > FORMAT_VERSION) throw ModelFileException.newerVersion(sourceName, version);
        if (version < 1) throw ModelFileException.corrupt(sourceName, "format version " + version + " is not valid (versions start at 1)");
        int headerLength = int32(exactly(body, 4, "header length", sourceName));
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw ModelFileException.corrupt(sourceName, "header length " + headerLength + " is outside [0, " + MAX_HEADER_BYTES + "]");
        }
        ModelHeader header = ModelHeader.decode(exactly(body, headerLength, "header", sourceName), sourceName);
        INDArray params = RawValues.read(body, header.dataType(), header.paramCount(), "parameters", sourceName);
        INDArray state = RawValues.read(body, header.dataType(), header.stateCount(), "optimizer state", sourceName);
        long computed = crc.getValue();
        long stored = ByteBuffer.wrap(exactly(in, 8, "checksum trailer", sourceName)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (stored != computed) throw ModelFileException.checksumMismatch(sourceName, stored, computed);
        if (in.read() != -1) throw ModelFileException.corrupt(sourceName, "unexpected data after the checksum trailer");
        return new Read(header.toModel(params, state, sourceName), header);
    }

    /**
     * Saves atomically: writes a temporary file next to {@code path}, forces it to disk, then renames it
     * over {@code path}, so a reader sees the old file or the new one, never half of one.
     */
    public static void save(SavedModel m, Path path) throws IOException {
        Path target = path.toAbsolutePath();
        // Same directory, so the rename cannot cross file systems; created with the default permissions
        // (Files.createTempFile would make the final model owner-only).
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                write(m, Channels.newOutputStream(ch));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Loads a model file; errors name {@code path}. */
    public static SavedModel load(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    private static INDArray stateOf(SavedModel m) {
        INDArray s = m.optimizerState();
        if (s != null) return s;
        DataType t = m.params() == null ? DataType.FLOAT : m.params().dataType();
        return Nd4j.createUninitialized(t, new long[] {0}, 'c');
    }

    private static void checkWritable(SavedModel m, INDArray state) {
        require(m.model(), "model (the architecture)");
        require(m.loss(), "loss");
        require(m.optimizer(), "optimizer (an empty object for none)");
        require(m.params(), "params");
        require(m.provenance(), "provenance: every model file carries it");
        ModelHeader.dtypeName(m.params().dataType());
        // One param_dtype covers both sections: the optimizer state shares the parameters' layout and type.
        if (state.length() > 0 && state.dataType() != m.params().dataType()) {
            throw new IllegalArgumentException("the optimizer state is " + state.dataType() + " but the parameters are "
                    + m.params().dataType() + "; a model file stores both in one type");
        }
    }

    private static void require(Object value, String what) {
        if (value == null) throw new IllegalArgumentException("cannot save a model without SavedModel." + what);
    }

    private static void readMagic(InputStream in, String source) throws IOException {
        byte[] start = new byte[MAGIC.length];
        int n = in.readNBytes(start, 0, start.length);
        if (n == MAGIC.length && Arrays.equals(start, MAGIC)) return;
        // A short prefix of the magic is a cut-off model file; anything else is some other file.
        if (n < MAGIC.length && Arrays.equals(start, 0, n, MAGIC, 0, n)) {
            throw ModelFileException.truncated(source, "magic", MAGIC.length, n);
        }
        throw ModelFileException.notAModelFile(source, start, n);
    }

    private static byte[] exactly(InputStream in, int n, String section, String source) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw ModelFileException.truncated(source, section, n, b.length);
        return b;
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static int int32(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
