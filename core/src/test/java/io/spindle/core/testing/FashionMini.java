package io.spindle.core.testing;

import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;

import java.io.IOException;
import java.io.InputStream;

/** The 2,000/500-image Fashion-MNIST subset shipped in test resources. */
public final class FashionMini {
    private FashionMini() {
    }

    public static Dataset train() throws IOException {
        return read("train");
    }

    public static Dataset test() throws IOException {
        return read("t10k");
    }

    private static Dataset read(String prefix) throws IOException {
        String images = "/fashion-mini/" + prefix + "-images-idx3-ubyte.gz";
        String labels = "/fashion-mini/" + prefix + "-labels-idx1-ubyte.gz";
        try (InputStream i = FashionMini.class.getResourceAsStream(images);
             InputStream l = FashionMini.class.getResourceAsStream(labels)) {
            return IdxReader.read(i, images, l, labels);
        }
    }
}
