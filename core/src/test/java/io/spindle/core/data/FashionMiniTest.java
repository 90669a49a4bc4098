package io.spindle.core.data;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Fashion-MNIST subset shipped in test resources (first 2000 train / 500 test images) reads as real data. */
class FashionMiniTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(FashionMiniTest.class.getResource("/fashion-mini/" + name).toURI());
    }

    @Test
    void trainingSubset() throws Exception {
        Dataset d = IdxReader.read(resource("train-images-idx3-ubyte.gz"), null);
        assertEquals(2000, d.size());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new long[] {1, 28, 28}, d.sampleShape());
        assertArrayEquals(new long[] {2000, 784}, d.features().shape());
        assertArrayEquals(new float[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, d.rows(0, 10).labels().dup().data().asFloat());
        // the first image's byte sum, 76247, computed from the raw file with Python's gzip module
        assertEquals(76247 / 255.0, d.features().getRow(0).sumNumber().doubleValue(), 1e-3);
        assertEquals(0f, d.features().minNumber().floatValue());
        assertEquals(1f, d.features().maxNumber().floatValue());
    }

    @Test
    void testSubset() throws Exception {
        Dataset d = IdxReader.read(resource("t10k-images-idx3-ubyte.gz"), resource("t10k-labels-idx1-ubyte.gz"));
        assertEquals(500, d.size());
        assertEquals(10, d.numClasses());
        assertArrayEquals(new float[] {9, 2, 1, 1, 6}, d.rows(0, 5).labels().dup().data().asFloat());
    }
}
