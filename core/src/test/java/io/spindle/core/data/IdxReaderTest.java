package io.spindle.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.spindle.core.data.IdxFiles.gzip;
import static io.spindle.core.data.IdxFiles.idx;
import static io.spindle.core.data.IdxFiles.images;
import static io.spindle.core.data.IdxFiles.labels;
import static io.spindle.core.data.IdxFiles.unsigned;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IDX parsing: values and shapes from generated files, and a clear message for every kind of bad file. */
class IdxReaderTest {
    // Three 2x2 images chosen to cover the signed-byte trap: 128..255 are negative as Java bytes.
    private static final int[] PIXELS = {0, 1, 127, 128, 200, 254, 255, 10, 64, 32, 16, 8};
    private static final byte[] IMAGES = images(3, 2, 2, unsigned(PIXELS));
    private static final byte[] LABELS = labels((byte) 2, (byte) 0, (byte) 1);

    @TempDir
    Path dir;

    @Test
    void plainFileValuesAreScaledUnsignedBytes() throws IOException {
        Dataset d = readFiles("x-images-idx3-ubyte", IMAGES, "x-labels-idx1-ubyte", LABELS);
        INDArray f = d.features();
        assertEquals(DataType.FLOAT, f.dataType());
        assertArrayEquals(new long[] {3, 4}, f.shape());
        assertArrayEquals(new long[] {1, 2, 2}, d.sampleShape());
        for (int i = 0; i < PIXELS.length; i++) {
            assertEquals(PIXELS[i] / 255f, f.getFloat(i / 4, i % 4), 1e-7f, "pixel " + i);
        }
        assertEquals(1.0f, f.getFloat(1, 2), 0f, "byte 255");
        assertEquals(128 / 255f, f.getFloat(0, 3), 1e-7f, "byte 128 must not come out negative");
        assertEquals(0f, f.minNumber().floatValue());
        assertEquals(1f, f.maxNumber().floatValue());
    }

    @Test
    void labelsAreClassIndicesAndNumClassesIsMaxPlusOne() throws IOException {
        Dataset d = readFiles("x-images-idx3-ubyte", IMAGES, "x-labels-idx1-ubyte", labels(unsigned(2, 0, 200)));
        assertEquals(DataType.FLOAT, d.labels().dataType());
        assertArrayEquals(new long[] {3, 1}, d.labels().shape());
        assertArrayEquals(new float[] {2, 0, 200}, d.labels().data().asFloat());
        assertEquals(201, d.numClasses(), "label byte 200 is unsigned");
    }

    @Test
    void gzipIsDetectedByMagicBytesNotByName() throws IOException {
        Dataset plain = readFiles("a-images-idx3-ubyte", IMAGES, "a-labels-idx1-ubyte", LABELS);
        // gzipped content under a plain name, and plain content under a .gz name
        Dataset zipped = readFiles("b-images-idx3-ubyte", gzip(IMAGES), "b-labels-idx1-ubyte.gz", LABELS);
        assertEquals(plain.features(), zipped.features());
        assertEquals(plain.labels(), zipped.labels());
        assertEquals(plain.fingerprint(), zipped.fingerprint());
    }

    @Test
    void labelsAreFoundBesideTheImages() throws IOException {
        Path images = write("train-images-idx3-ubyte.gz", gzip(IMAGES));
        write("train-labels-idx1-ubyte.gz", gzip(LABELS));
        assertEquals(3, IdxReader.read(images, null).size());
    }

    @Test
    void missingDerivedLabelsFileNamesItAndSaysToGiveItExplicitly() throws IOException {
        Path images = write("t10k-images-idx3-ubyte", IMAGES);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.read(images, null));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("explicitly"),
                e.getMessage());
    }

    @Test
    void labelsPathFollowsTheMnistNaming() throws DataFormatException {
        assertEquals("/d/train-labels-idx1-ubyte.gz", IdxReader.labelsPathFor("/d/train-images-idx3-ubyte.gz"));
        assertEquals("/d/train-labels-idx1-ubyte", IdxReader.labelsPathFor("/d/train-images-idx3-ubyte"));
        assertEquals("t10k-labels-idx1-ubyte.gz", IdxReader.labelsPathFor("t10k-images-idx3-ubyte.gz"));
        assertEquals("hdfs://nn/x/t10k-labels-idx1-ubyte", IdxReader.labelsPathFor("hdfs://nn/x/t10k-images-idx3-ubyte"));
        assertEquals("/d/train-labels.idx1-ubyte", IdxReader.labelsPathFor("/d/train-images.idx3-ubyte"));
        // only the file name changes, never a directory
        assertEquals("/images-idx3/train-labels-idx1-ubyte",
                IdxReader.labelsPathFor("/images-idx3/train-images-idx3-ubyte"));
    }

    @Test
    void labelsPathForAnUnconventionalNameSaysToGiveLabelsExplicitly() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.labelsPathFor("/images-idx3/pixels.bin"));
        assertContains(e, "/images-idx3/pixels.bin", "images-idx3", "give the labels file explicitly");
    }

    @Test
    void readsFromStreamsAndNamesThemInErrors() throws IOException {
        Dataset d = IdxReader.read(new ByteArrayInputStream(gzip(IMAGES)), "hdfs://nn/imgs",
                new ByteArrayInputStream(LABELS), "hdfs://nn/lbls");
        assertEquals(3, d.size());
        assertFails(() -> IdxReader.read(new ByteArrayInputStream(IMAGES), "hdfs://nn/imgs",
                new ByteArrayInputStream(new byte[0]), "hdfs://nn/lbls"), "hdfs://nn/lbls: ", "not an IDX file");
    }

    @Test
    void unsupportedTypeCodeIsNamed() {
        byte[] floats = idx(0x0d, new int[] {1, 1, 1}, new byte[4]);
        assertFails(() -> readImages(floats), "x-images", "type code 0x0d", "32-bit float", "only 0x08 (unsigned byte)");
    }

    @Test
    void wrongDimensionCountSaysWhatWasExpected() {
        assertFails(() -> readImages(LABELS), "x-images", "3 dimensions", "found 1 dimension", "labels file?");
        assertFails(() -> readFiles("x-images", IMAGES, "x-labels", IMAGES),
                "x-labels", "1 dimension", "found 3 dimensions", "images file?");
    }

    @Test
    void zeroDimensionIsRejected() {
        assertFails(() -> readImages(idx(0x08, new int[] {2, 0, 28}, new byte[0])),
                "dimension 1 has size 0", "must be > 0");
        assertFails(() -> readImages(idx(0x08, new int[] {-1, 28, 28}, new byte[0])), "dimension 0 has size 4294967295");
        int big = Integer.MAX_VALUE;
        assertFails(() -> readImages(idx(0x08, new int[] {big, big, big}, new byte[0])), "more than one Java array can hold");
    }

    @Test
    void truncatedPayloadSaysHowMuchWasMissing() {
        byte[] shortFile = Arrays.copyOf(IMAGES, IMAGES.length - 2);
        assertFails(() -> readImages(shortFile), "truncated: expected 12 bytes of data after the header, found 10");
        assertFails(() -> readImages(gzip(shortFile)), "truncated: expected 12 bytes of data after the header, found 10");
    }

    @Test
    void truncatedHeaderIsReported() {
        assertFails(() -> readImages(Arrays.copyOf(IMAGES, 10)), "truncated header", "expected 12 bytes", "found 6");
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] longFile = Arrays.copyOf(IMAGES, IMAGES.length + 1);
        assertFails(() -> readImages(longFile), "expected 12 bytes of data after the header, found 13",
                "1 extra byte at the end");
    }

    @Test
    void countMismatchNamesBothFiles() {
        assertFails(() -> readFiles("x-images", IMAGES, "x-labels", labels((byte) 1, (byte) 2)),
                "x-labels", "holds 2 label(s)", "x-images", "holds 3 images");
    }

    @Test
    void textAndPngFilesAreNotIdx() {
        assertFails(() -> readImages("pixel,label\n0,1\n".getBytes(StandardCharsets.US_ASCII)),
                "not an IDX file", "70 69 78 65", "\"pixe\"");
        byte[] png = unsigned(0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d);
        assertFails(() -> readImages(png), "not an IDX file", "starts with 89 50 4e 47", "PNG");
        assertFails(() -> readImages(new byte[0]), "not an IDX file", "only 0 bytes long");
    }

    @Test
    void corruptGzipIsADataFormatError() {
        byte[] zipped = gzip(IMAGES);
        assertFails(() -> readImages(Arrays.copyOf(zipped, zipped.length - 12)), "x-images", "corrupt gzip data");
        assertFails(() -> readImages(unsigned(0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), "corrupt gzip data");
        byte[] badCrc = zipped.clone();
        badCrc[badCrc.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
        assertFails(() -> readImages(badCrc), "corrupt gzip data");
    }

    private Dataset readImages(byte[] images) throws IOException {
        return readFiles("x-images", images, "x-labels", LABELS);
    }

    private Dataset readFiles(String imagesName, byte[] images, String labelsName, byte[] labels) throws IOException {
        return IdxReader.read(write(imagesName, images), write(labelsName, labels));
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static void assertFails(Executable read, String... parts) {
        assertContains(assertThrows(DataFormatException.class, read), parts);
    }

    static void assertContains(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
        }
    }
}
