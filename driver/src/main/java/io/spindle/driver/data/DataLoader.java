package io.spindle.driver.data;

import io.spindle.core.data.CsvOptions;
import io.spindle.core.data.CsvReader;
import io.spindle.core.data.Dataset;
import io.spindle.core.data.IdxReader;
import io.spindle.core.data.DataFormatException;
import io.spindle.core.data.IdxRecords;
import io.spindle.core.config.ConfigException;
import io.spindle.driver.job.DataConfig;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads a job's train or test rows through {@link Storage}, so any Hadoop URI works. */
public final class DataLoader {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the data. */
    public static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist";

    private final Storage storage;

    public DataLoader(Storage storage) {
        this.storage = storage;
    }

    public Dataset train(DataConfig c) throws IOException {
        return load(c, c.train(), c.trainLabels(), "data.train", "data.train_labels");
    }

    /** The shape of the IDX training pair from its two headers alone: no row is read. */
    public IdxRecords.Header idxHeader(DataConfig c) throws IOException {
        return idxHeader(c.train(), c.trainLabels());
    }

    /**
     * The shape of an IDX pair ({@code labels} null: beside the images) from its two headers alone. An uncompressed file
     * shorter than its header promises is refused here, before any work; a gzipped one is checked as it is read.
     */
    public IdxRecords.Header idxHeader(String images, String labels) throws IOException {
        String labelsUri = labelsOf(images, labels);
        try (java.io.BufferedInputStream in = new java.io.BufferedInputStream(storage.open(images));
             java.io.BufferedInputStream lab = new java.io.BufferedInputStream(storage.open(labelsUri))) {
            boolean plainImages = !gzipped(in), plainLabels = !gzipped(lab);
            IdxRecords.Header h = IdxRecords.headerOf(in, images, lab, labelsUri);
            if (plainImages) requireLength(images, IMAGES_HEADER_BYTES, h.rows(), h.pixels());
            if (plainLabels) requireLength(labelsUri, LABELS_HEADER_BYTES, h.rows(), 1);
            return h;
        }
    }

    private static final int IMAGES_HEADER_BYTES = 16, LABELS_HEADER_BYTES = 8;

    /** Whether the stream starts with gzip's magic bytes; it is left where it was. A gzipped file's length says nothing about its records. */
    private static boolean gzipped(java.io.BufferedInputStream in) throws IOException {
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip;
    }

    private void requireLength(String uri, int headerBytes, long records, int recordBytes) throws IOException {
        long length = storage.length(uri);
        if (length < headerBytes + records * recordBytes) {
            throw new DataFormatException(uri, "truncated: its header promises " + records + " records of " + recordBytes + " byte(s) ("
                    + (headerBytes + records * recordBytes) + " bytes with the header), the file holds " + length);
        }
    }

    /** How many classes an IDX pair's labels name (its largest label + 1), from the labels file alone. */
    public int idxClasses(String images, String labels) throws IOException {
        String labelsUri = labelsOf(images, labels);
        try (InputStream lab = storage.open(labelsUri)) {
            return IdxRecords.classesIn(lab, labelsUri);
        }
    }

    /** The labels file of an IDX images file: the one named, or the one beside it. */
    public static String labelsOf(String images, String labels) throws IOException {
        return labels != null ? labels : IdxReader.labelsPathFor(images);
    }

    /** Fails before any work when a data file is missing, with advice on how to get Fashion-MNIST. */
    public void checkExists(DataConfig c) throws IOException {
        requireFile(c.train(), "data.train");
        if (c.test() != null) requireFile(c.test(), "data.test");
        if (c.validation() != null) requireFile(c.validation(), "data.validation");
        if (c.format().equals("idx")) {
            if (c.validation() != null) {
                requireFile(c.validationLabels() != null ? c.validationLabels() : IdxReader.labelsPathFor(c.validation()),
                        c.validationLabels() != null ? "data.validation_labels" : "data.validation (its labels file)");
            }
            requireFile(c.trainLabels() != null ? c.trainLabels() : IdxReader.labelsPathFor(c.train()),
                    c.trainLabels() != null ? "data.train_labels" : "data.train (its labels file)");
            if (c.test() != null) {
                requireFile(c.testLabels() != null ? c.testLabels() : IdxReader.labelsPathFor(c.test()),
                        c.testLabels() != null ? "data.test_labels" : "data.test (its labels file)");
            }
        }
    }

    private void requireFile(String uri, String field) throws IOException {
        if (storage.isDirectory(uri)) {
            // Spark's readers take a directory of part files; hidden and _SUCCESS-style entries are not data.
            if (storage.entries(uri).stream().noneMatch(n -> !n.startsWith(".") && !n.startsWith("_"))) {
                throw new ConfigException(field, uri + " is a directory that has no data files");
            }
            return;
        }
        if (storage.exists(uri)) return;
        String advice = uri.contains("fashion-mnist")
                ? "; install Fashion-MNIST with `sudo apt-get install dataset-fashion-mnist` (it lands in " + FASHION_DIR
                + "), or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist and point "
                + "the job at them with --set data.train=PATH/train-images-idx3-ubyte.gz --set data.test=PATH/t10k-images-idx3-ubyte.gz"
                : "";
        throw new ConfigException(field, uri + " does not exist" + advice);
    }

    private Dataset load(DataConfig c, String uri, String labelsUri, String field, String labelsField) throws IOException {
        if (c.format().equals("csv")) {
            try (Reader r = new InputStreamReader(storage.open(uri), StandardCharsets.UTF_8)) {
                return CsvReader.read(r, uri, csvOptions(c, uri, field));
            }
        }
        String labels = labelsUri != null ? labelsUri : IdxReader.labelsPathFor(uri);
        try (InputStream images = storage.open(uri); InputStream lab = storage.open(labels)) {
            return IdxReader.read(images, uri, lab, labels);
        }
    }

    /** How to read the CSV file {@code uri}, named {@code field} in the job (its weight column as {@link #weightColumnFor} says). */
    public CsvOptions csvOptions(DataConfig c, String uri, String field) throws IOException {
        return new CsvOptions(c.header(), c.labelColumn(), ',', c.task().equals("classification"), weightColumnFor(c, uri, field));
    }

    /**
     * The weight column to read {@code uri} with. Weights only train: test and validation files need not have the column,
     * but where they do it is not a feature. A named column data.train lacks is refused here, naming the field. Without a
     * header, or with the column given by position, every file is taken to share train's layout.
     */
    private String weightColumnFor(DataConfig c, String uri, String field) throws IOException {
        String column = c.weightColumn();
        if (column == null || !c.header() || column.strip().matches("-?\\d+|(?i)last")) return column;
        List<String> names = headerNames(uri);
        if (names.contains(column)) return column;
        if (field.equals("data.train")) {
            throw new ConfigException("data.weight_column", column, "a column of data.train, whose header has " + names);
        }
        return null;
    }

    /** The names in the first line of a CSV file. */
    private List<String> headerNames(String uri) throws IOException {
        try (java.io.BufferedReader r = new java.io.BufferedReader(new InputStreamReader(storage.open(uri), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) return List.of();
            return java.util.Arrays.stream(header.replace("\uFEFF", "").split(",")).map(n -> n.strip().replace("\"", "")).toList();
        }
    }
}
