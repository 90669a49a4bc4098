package io.spindle.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.model.ModelConfig;
import io.spindle.core.model.Network;
import io.spindle.core.nn.ActivationFunction;
import io.spindle.core.nn.Dense;
import io.spindle.core.testing.TestArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model file: exact round trips, and a precise message for every way a file can be wrong. */
class ModelFileTest {
    private static final ModelConfig MLP = new ModelConfig(new long[] {4},
            List.of(Dense.Config.of(8, ActivationFunction.RELU), Dense.Config.of(3, ActivationFunction.IDENTITY)));
    private static final Provenance PROVENANCE =
            new Provenance("0.1.0", 42, 2, "sha256:abc123", "2025-01-02T03:04:05Z", 1234, 3);

    @TempDir
    Path dir;

    private static SavedModel model(Network net) {
        ObjectNode adam = new ObjectMapper().createObjectNode().put("type", "adam").put("learning_rate", 1e-3).put("beta1", 0.9);
        INDArray state = TestArrays.gaussian(7, net.dataType(), 2 * net.numParams());
        return new SavedModel(net.config(), "softmax_cross_entropy", adam, net.params(), state, 17, PROVENANCE);
    }

    private static byte[] bytesOf(SavedModel m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(m, out);
        return out.toByteArray();
    }

    private static SavedModel readBytes(byte[] b) throws IOException {
        return ModelFile.read(new ByteArrayInputStream(b), "test.spindle");
    }

    private static void assertBitIdentical(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertEquals(expected.length(), actual.length());
        assertArrayEquals(expected.dup('c').data().asDouble(), actual.dup('c').data().asDouble());
    }

    private static void assertSameModel(SavedModel expected, SavedModel actual) {
        assertEquals(expected.model(), actual.model());
        assertEquals(expected.loss(), actual.loss());
        assertEquals(expected.optimizer(), actual.optimizer());
        assertEquals(expected.optimizerIteration(), actual.optimizerIteration());
        assertEquals(expected.provenance(), actual.provenance());
        assertBitIdentical(expected.params(), actual.params());
        assertBitIdentical(expected.optimizerState(), actual.optimizerState());
    }

    private static ModelFileException loadFails(byte[] b, ModelFileException.Problem problem, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> readBytes(b));
        assertEquals(problem, e.problem(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.spindle: "), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "missing '" + p + "' in: " + e.getMessage());
        return e;
    }

    /** Byte offsets of the sections of a float32 file, from its header length field. */
    private record Layout(int header, int params, int state, int trailer) {
        static Layout of(byte[] b, long paramCount, long stateCount, int width) {
            int h = ByteBuffer.wrap(b, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int params = 16 + h;
            int state = (int) (params + paramCount * width);
            return new Layout(16, params, state, (int) (state + stateCount * width));
        }
    }

    @Test
    void saveThenLoadGivesTheSameModel() throws IOException {
        Network net = Network.initialized(MLP, 42, DataType.FLOAT);
        SavedModel m = model(net);
        Path file = dir.resolve("model.spindle");
        ModelFile.save(m, file);
        assertSameModel(m, ModelFile.load(file));
    }

    @Test
    void loadedNetworkComputesBitIdenticalOutputs() throws IOException {
        Network net = Network.initialized(MLP, 42, DataType.FLOAT);
        Path file = dir.resolve("model.spindle");
        ModelFile.save(model(net), file);
        SavedModel loaded = ModelFile.load(file);
        Network restored = Network.withParams(loaded.model(), loaded.params(), loaded.provenance().seed());
        INDArray x = TestArrays.gaussian(3, DataType.FLOAT, 5, 4);
        assertBitIdentical(net.forward(x, false), restored.forward(x, false));
    }

    @Test
    void float64RoundTrip() throws IOException {
        Network net = Network.initialized(MLP, 7, DataType.DOUBLE);
        SavedModel m = model(net);
        byte[] b = bytesOf(m);
        // 8 magic + 4 version + 4 length + header + 8-byte values + 8 trailer
        Layout at = Layout.of(b, net.numParams(), 2 * net.numParams(), 8);
        assertEquals(at.trailer() + 8, b.length);
        SavedModel loaded = readBytes(b);
        assertSameModel(m, loaded);
        INDArray x = TestArrays.gaussian(4, DataType.DOUBLE, 2, 4);
        assertBitIdentical(net.forward(x, false), Network.withParams(loaded.model(), loaded.params(), 7).forward(x, false));
    }

    @Test
    void bytesFollowTheDocumentedLayout() throws IOException {
        INDArray params = Nd4j.create(new float[] {1.5f, -2f}, new long[] {2});
        SavedModel m = new SavedModel(MLP, "mse", new ObjectMapper().createObjectNode(), params, null, 0, PROVENANCE);
        byte[] b = bytesOf(m);
        assertEquals("SPNDLMDL", new String(b, 0, 8, StandardCharsets.US_ASCII));
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, le.getInt(8));
        Layout at = Layout.of(b, 2, 0, 4);
        assertEquals(1.5f, le.getFloat(at.params()));
        assertEquals(-2f, le.getFloat(at.params() + 4));
        assertEquals(at.trailer() + 8, b.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, at.trailer());
        assertEquals(crc.getValue(), le.getLong(at.trailer()));
        String header = new String(b, 16, at.params() - 16, StandardCharsets.UTF_8);
        for (String key : List.of("\"model\"", "\"loss\":\"mse\"", "\"param_dtype\":\"float32\"", "\"param_count\":2",
                "\"optimizer_state_count\":0", "\"optimizer_iteration\":0", "\"data_fingerprint\":\"sha256:abc123\"")) {
            assertTrue(header.contains(key), key + " in " + header);
        }
    }

    @Test
    void viewsAndColumnsAreWrittenAsTheirOwnValues() throws IOException {
        // asNio() of a view spans the whole underlying buffer, so a naive writer would store the wrong values.
        INDArray base = TestArrays.gaussian(11, DataType.FLOAT, 3, 40);
        INDArray rowView = base.get(NDArrayIndex.point(1), NDArrayIndex.interval(0, 40));
        INDArray column = base.getColumn(5);
        SavedModel m = new SavedModel(MLP, "mse", new ObjectMapper().createObjectNode(), rowView, column.dup(), 0, PROVENANCE);
        SavedModel loaded = readBytes(bytesOf(m));
        assertBitIdentical(rowView, loaded.params());
        assertBitIdentical(column, loaded.optimizerState());
        SavedModel colParams = new SavedModel(MLP, "mse", new ObjectMapper().createObjectNode(), column, null, 0, PROVENANCE);
        assertBitIdentical(column, readBytes(bytesOf(colParams)).params());
    }

    @Test
    void emptyOptimizerStateRoundTrips() throws IOException {
        Network net = Network.initialized(MLP, 1, DataType.FLOAT);
        SavedModel m = new SavedModel(MLP, "mse", new ObjectMapper().createObjectNode(), net.params(), null, 0, PROVENANCE);
        SavedModel loaded = readBytes(bytesOf(m));
        assertEquals(0, loaded.optimizerState().length());
        assertEquals(DataType.FLOAT, loaded.optimizerState().dataType());
        assertBitIdentical(net.params(), loaded.params());
    }

    @Test
    void truncationNamesTheSection() throws IOException {
        Network net = Network.initialized(MLP, 42, DataType.FLOAT);
        long p = net.numParams();
        byte[] b = bytesOf(model(net));
        Layout at = Layout.of(b, p, 2 * p, 4);
        int headerLength = at.params() - 16;
        loadFails(Arrays.copyOf(b, 0), ModelFileException.Problem.TRUNCATED, "expected 8 bytes of magic, found only 0");
        loadFails(Arrays.copyOf(b, 5), ModelFileException.Problem.TRUNCATED, "expected 8 bytes of magic, found only 5");
        loadFails(Arrays.copyOf(b, 10), ModelFileException.Problem.TRUNCATED, "expected 4 bytes of format version, found only 2");
        loadFails(Arrays.copyOf(b, 13), ModelFileException.Problem.TRUNCATED, "expected 4 bytes of header length, found only 1");
        loadFails(Arrays.copyOf(b, 16 + 20), ModelFileException.Problem.TRUNCATED,
                "expected " + headerLength + " bytes of header, found only 20");
        loadFails(Arrays.copyOf(b, at.params() + 100), ModelFileException.Problem.TRUNCATED,
                "truncated: expected " + 4 * p + " bytes of parameters, found only 100");
        loadFails(Arrays.copyOf(b, at.state() + 6), ModelFileException.Problem.TRUNCATED,
                "expected " + 8 * p + " bytes of optimizer state, found only 6");
        loadFails(Arrays.copyOf(b, at.trailer() + 3), ModelFileException.Problem.TRUNCATED,
                "expected 8 bytes of checksum trailer, found only 3");
    }

    @Test
    void aFlippedBitIsACheckSumMismatch() throws IOException {
        Network net = Network.initialized(MLP, 42, DataType.FLOAT);
        byte[] b = bytesOf(model(net));
        Layout at = Layout.of(b, net.numParams(), 2 * net.numParams(), 4);
        b[at.params() + 37] ^= 0x10;
        loadFails(b, ModelFileException.Problem.CORRUPT, "corrupt: checksum mismatch (stored 0x", ", computed 0x");
    }

    @Test
    void dataAfterTheTrailerIsCorrupt() throws IOException {
        byte[] b = bytesOf(model(Network.initialized(MLP, 42, DataType.FLOAT)));
        loadFails(Arrays.copyOf(b, b.length + 1), ModelFileException.Problem.CORRUPT, "unexpected data after the checksum trailer");
    }

    @Test
    void aNewerFormatVersionSaysSo() throws IOException {
        byte[] b = bytesOf(model(Network.initialized(MLP, 42, DataType.FLOAT)));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
        loadFails(b, ModelFileException.Problem.NEWER_VERSION,
                "test.spindle: written by a newer Spindle: format version 2, this build reads up to 1");
    }

    @Test
    void otherFilesAreNotModelFiles() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        loadFails(png, ModelFileException.Problem.NOT_A_MODEL_FILE, "not a Spindle model file (it starts with 89 50 4E 47");
        loadFails("epoch,loss\n1,0.5\n".getBytes(StandardCharsets.UTF_8), ModelFileException.Problem.NOT_A_MODEL_FILE,
                "not a Spindle model file");
        loadFails("hi".getBytes(StandardCharsets.UTF_8), ModelFileException.Problem.NOT_A_MODEL_FILE, "not a Spindle model file");
    }

    @Test
    void anImpossibleHeaderLengthIsCorrupt() throws IOException {
        byte[] b = bytesOf(model(Network.initialized(MLP, 42, DataType.FLOAT)));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, -7);
        loadFails(b, ModelFileException.Problem.CORRUPT, "header length -7 is outside");
    }

    @Test
    void headerProblemsAreNamed() throws IOException {
        SavedModel m = model(Network.initialized(MLP, 42, DataType.FLOAT));
        ObjectNode header = headerOf(bytesOf(m));

        loadFails(withHeader(bytesOf(m), "{\"param_dtype\": \"float32\",".getBytes(StandardCharsets.UTF_8)),
                ModelFileException.Problem.CORRUPT, "corrupt header: not valid UTF-8 JSON");

        ObjectNode noCount = header.deepCopy();
        noCount.remove("param_count");
        loadFails(withHeader(bytesOf(m), noCount), ModelFileException.Problem.CORRUPT,
                "corrupt header: param_count: required field is missing");

        ObjectNode badType = header.deepCopy().put("param_dtype", "int8");
        loadFails(withHeader(bytesOf(m), badType), ModelFileException.Problem.CORRUPT, "param_dtype = \"int8\" is not allowed");

        ObjectNode badModel = header.deepCopy();
        ((ObjectNode) badModel.withArray("/model/layers").get(0)).put("units", 0);
        loadFails(withHeader(bytesOf(m), badModel), ModelFileException.Problem.INVALID_HEADER,
                "invalid header: the model config is invalid: model.layers[0].units");

        ObjectNode unknownLayer = header.deepCopy();
        ((ObjectNode) unknownLayer.withArray("/model/layers").get(1)).put("type", "attention");
        loadFails(withHeader(bytesOf(m), unknownLayer), ModelFileException.Problem.INVALID_HEADER,
                "the model config is invalid: model.layers[1].type = \"attention\"");

        ObjectNode noProvenance = header.deepCopy();
        noProvenance.remove("provenance");
        loadFails(withHeader(bytesOf(m), noProvenance), ModelFileException.Problem.INVALID_HEADER,
                "provenance: required field is missing");
    }

    @Test
    void unknownHeaderFieldsAreIgnored() throws IOException {
        SavedModel m = model(Network.initialized(MLP, 42, DataType.FLOAT));
        ObjectNode header = headerOf(bytesOf(m)).put("notes", "added by a later minor release");
        assertSameModel(m, readBytes(withHeader(bytesOf(m), header)));
    }

    @Test
    void atomicSaveLeavesOnlyTheModelFile() throws IOException {
        Path file = dir.resolve("model.spindle");
        SavedModel first = model(Network.initialized(MLP, 1, DataType.FLOAT));
        ModelFile.save(first, file);
        ModelFile.save(model(Network.initialized(MLP, 2, DataType.FLOAT)), file);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        // A write that fails half-way removes its temp file and keeps the previous model intact.
        SavedModel unwritable = new SavedModel(MLP, "mse", new ObjectMapper().createObjectNode(),
                Nd4j.zeros(DataType.INT, 3), null, 0, PROVENANCE);
        assertThrows(IllegalArgumentException.class, () -> ModelFile.save(unwritable, file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals(ModelFile.load(file).params().length(), first.params().length());
    }

    @Test
    void unstorableModelsAreRejectedOnWrite() {
        INDArray params = Nd4j.zeros(DataType.FLOAT, 4);
        ObjectNode none = new ObjectMapper().createObjectNode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bytesOf(
                new SavedModel(MLP, "mse", none, params, Nd4j.zeros(DataType.DOUBLE, 4), 0, PROVENANCE)));
        assertTrue(e.getMessage().contains("optimizer state is DOUBLE but the parameters are FLOAT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bytesOf(new SavedModel(MLP, "mse", none, params, null, 0, null)));
        assertTrue(e.getMessage().contains("provenance"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bytesOf(
                new SavedModel(MLP, "mse", none, Nd4j.zeros(DataType.HALF, 4), null, 0, PROVENANCE)));
        assertTrue(e.getMessage().contains("HALF"), e.getMessage());
    }

    @Test
    void loadNamesTheMissingFile() {
        Path missing = dir.resolve("nope.spindle");
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(missing));
        assertTrue(e.getMessage().contains("nope.spindle"), e.getMessage());
    }

    private static ObjectNode headerOf(byte[] file) throws IOException {
        int h = ByteBuffer.wrap(file, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return (ObjectNode) new ObjectMapper().readTree(Arrays.copyOfRange(file, 16, 16 + h));
    }

    private static byte[] withHeader(byte[] file, ObjectNode header) throws IOException {
        return withHeader(file, new ObjectMapper().writeValueAsBytes(header));
    }

    /** The same file with another header and a correct checksum: isolates header checks from the CRC. */
    private static byte[] withHeader(byte[] file, byte[] header) {
        int h = ByteBuffer.wrap(file, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteBuffer out = ByteBuffer.allocate(file.length - h + header.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(file, 0, 12).putInt(header.length).put(header).put(file, 16 + h, file.length - 16 - h - 8);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        return out.array();
    }
}
