package io.spindle.core.data;

import io.spindle.core.data.store.RowStore;
import io.spindle.core.data.store.ValueCodec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads MNIST-style IDX image and label files, gzipped or not, into a {@link Dataset}: features
 * float32 [N, rows*cols] scaled to [0, 1], sample shape {1, rows, cols}, labels float32 [N, 1] class indices.
 */
public final class IdxReader {
    // "train-images-idx3-ubyte" and the "train-images.idx3-ubyte" spelling some mirrors use.
    private static final Pattern IMAGES_PART = Pattern.compile("images([-.])idx3");

    private IdxReader() {
    }

    /** Reads {@code images} and its labels; a null {@code labelsOrNull} means the file {@link #labelsPathFor} names. */
    public static Dataset read(Path images, Path labelsOrNull) throws IOException {
        Path labels = labelsOrNull != null ? labelsOrNull : Path.of(labelsPathFor(images.toString()));
        if (labelsOrNull == null && !Files.exists(labels)) {
            throw new NoSuchFileException(labels.toString(), null,
                    "labels file derived from the images file name; give the labels path explicitly");
        }
        try (InputStream imagesIn = Files.newInputStream(images); InputStream labelsIn = Files.newInputStream(labels)) {
            return read(imagesIn, images.toString(), labelsIn, labels.toString());
        }
    }

    /** Reads from open streams (e.g. from HDFS); the names appear in error messages. Does not close the streams. */
    public static Dataset read(InputStream images, String imagesName, InputStream labels, String labelsName)
            throws IOException {
        IdxArray pixels = IdxArray.read(images, imagesName, 3, "an images file [count, rows, cols]");
        IdxArray classes = IdxArray.read(labels, labelsName, 1, "a labels file [count]");
        int count = pixels.dims()[0];
        if (classes.dims()[0] != count) {
            throw new DataFormatException(labelsName, "holds " + classes.dims()[0] + " label(s) but the images file "
                    + imagesName + " holds " + count + " images");
        }
        long rows = pixels.dims()[1];
        long cols = pixels.dims()[2];
        INDArray features = RowStore.of(pixels.data(), count, (int) (rows * cols), pixelCodec((int) (rows * cols))).toArray(DataType.FLOAT);
        INDArray labelColumn = toFloat(classes.data(), count, 1);
        int numClasses = labelColumn.maxNumber().intValue() + 1;
        return new Dataset(features, labelColumn, new long[] {1, rows, cols}, numClasses);
    }

    /** How stored pixel bytes become the features: {@code x / 255f}, the one definition for the reader and for uint8 storage. */
    public static ValueCodec pixelCodec(int width) {
        return ValueCodec.uint8(width, 255f, 0f);
    }

    /**
     * The labels file that sits beside an images file by the MNIST naming convention:
     * {@code .../train-images-idx3-ubyte.gz} → {@code .../train-labels-idx1-ubyte.gz}.
     */
    public static String labelsPathFor(String imagesPath) throws DataFormatException {
        int nameStart = Math.max(imagesPath.lastIndexOf('/'), imagesPath.lastIndexOf('\\')) + 1;
        String name = imagesPath.substring(nameStart);
        Matcher m = IMAGES_PART.matcher(name);
        if (!m.find()) {
            throw new DataFormatException(imagesPath, "cannot derive the labels file name: the name has no"
                    + " \"images-idx3\" part (as in train-images-idx3-ubyte.gz); give the labels file explicitly");
        }
        return imagesPath.substring(0, nameStart) + m.replaceFirst("labels$1idx1");
    }

    /** Unsigned bytes to float32 [rows, width] in one native cast; a Java loop would be 47 M iterations for MNIST. */
    private static INDArray toFloat(byte[] unsigned, long rows, long width) {
        return Nd4j.create(unsigned, new long[] {rows, width}, DataType.UBYTE).castTo(DataType.FLOAT);
    }
}
