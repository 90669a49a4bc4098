package io.spindle.core.data;

import io.spindle.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.spindle.core.data.IdxReaderTest.assertContains;
import static io.spindle.core.data.IdxReaderTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CSV parsing: label column by name, index and "last"; classification and regression; a clear message per error. */
class CsvReaderTest {
    private static final String IRIS_LIKE = """
            sepal,petal,species,width
            5.1,1.4,0,0.2
            4.9,1.5,2,0.25
            """;

    @TempDir
    Path dir;

    @Test
    void headerWithLabelByName() throws IOException {
        Dataset d = read(IRIS_LIKE, new CsvOptions(true, "species", true));
        assertEquals(DataType.FLOAT, d.features().dataType());
        assertArrayEquals(new long[] {2, 3}, d.features().shape());
        assertArrayEquals(new long[] {3}, d.sampleShape());
        // the label column is taken out; the other columns keep their order
        assertArrayEquals(new float[] {5.1f, 1.4f, 0.2f, 4.9f, 1.5f, 0.25f}, d.features().data().asFloat());
        assertArrayEquals(new long[] {2, 1}, d.labels().shape());
        assertArrayEquals(new float[] {0, 2}, d.labels().data().asFloat());
        assertEquals(3, d.numClasses());
    }

    @Test
    void headerWithLabelByIndex() throws IOException {
        Dataset d = read(IRIS_LIKE, new CsvOptions(true, "2", true));
        assertArrayEquals(new float[] {0, 2}, d.labels().data().asFloat());
        assertArrayEquals(new float[] {5.1f, 1.4f, 0.2f, 4.9f, 1.5f, 0.25f}, d.features().data().asFloat());
    }

    @Test
    void noHeaderWithLabelFirstAndLast() throws IOException {
        String csv = "1,10,20\n0,30,40\n";
        Dataset first = read(csv, new CsvOptions(false, "0", true));
        assertArrayEquals(new float[] {1, 0}, first.labels().data().asFloat());
        assertArrayEquals(new float[] {10, 20, 30, 40}, first.features().data().asFloat());
        Dataset last = read(csv, new CsvOptions(false, "last", true));
        assertArrayEquals(new float[] {20, 40}, last.labels().data().asFloat());
        assertEquals(41, last.numClasses());
        assertEquals(last.fingerprint(), read(csv, new CsvOptions(false, "-1", true)).fingerprint());
    }

    @Test
    void regressionKeepsRealTargetsAndHasNoClasses() throws IOException {
        Dataset d = read("x,y\n1,-2.5\n2,0.125\n", new CsvOptions(true, "y", false));
        assertArrayEquals(new float[] {-2.5f, 0.125f}, d.labels().data().asFloat());
        assertEquals(0, d.numClasses());
    }

    @Test
    void blankLinesCrLfBomQuotesAndOtherDelimiters() throws IOException {
        String csv = "\uFEFF\"a\";\"label\"\r\n\r\n 1.5 ; \"3\"\r\n   \r\n2;0\r\n\n";
        Dataset d = read(csv, new CsvOptions(true, "label", ';', true));
        assertArrayEquals(new float[] {1.5f, 2}, d.features().data().asFloat());
        assertArrayEquals(new float[] {3, 0}, d.labels().data().asFloat());
    }

    @Test
    void readsAFileByPath() throws IOException {
        Path file = Files.writeString(dir.resolve("iris.csv"), IRIS_LIKE);
        assertEquals(2, CsvReader.read(file, new CsvOptions(true, "species", true)).size());
        Files.write(file, new byte[] {'1', ',', (byte) 0xff, '\n'});
        assertFails(() -> CsvReader.read(file, new CsvOptions(false, "0", true)), "iris.csv", "not UTF-8");
    }

    @Test
    void nonNumericCellNamesSourceLineAndColumn() {
        assertFails(() -> read("a,b,label\n1,2,0\n3,abc,1\n", new CsvOptions(true, "label", true)),
                "data.csv: line 3, column index 1 (\"b\"): \"abc\" is not a number");
        assertFails(() -> read("1,2\n3,x\n", new CsvOptions(false, "0", true)),
                "data.csv: line 2, column index 1: \"x\" is not a number");
        assertFails(() -> read("1,NaN\n", new CsvOptions(false, "0", true)), "line 1, column index 1", "not a finite");
        assertFails(() -> read("1,,2\n", new CsvOptions(false, "0", true)), "line 1, column index 1", "empty cell");
    }

    @Test
    void raggedRowSaysExpectedAndFoundColumnCounts() {
        assertFails(() -> read("a,b,label\n1,2,0\n\n3,4\n", new CsvOptions(true, "label", true)),
                "data.csv: line 4: expected 3 columns (as in the header on line 1), found 2");
        assertFails(() -> read("1,2\n3,4,5\n", new CsvOptions(false, "0", true)), "line 2: expected 2 columns (as in the first row on line 1), found 3");
    }

    @Test
    void unknownLabelNameListsTheHeader() {
        assertFails(() -> read(IRIS_LIKE, new CsvOptions(true, "class", true)),
                "data.csv: line 1: label column \"class\" is not in the header", "[sepal, petal, species, width]");
    }

    @Test
    void labelIndexOutOfRange() {
        assertFails(() -> read(IRIS_LIKE, new CsvOptions(true, "4", true)),
                "line 1: label column index 4 is out of range", "4 columns", "0..3");
        assertFails(() -> read("7\n8\n", new CsvOptions(false, "0", true)), "only one column", "no feature columns");
    }

    @Test
    void classLabelsMustBeWholeAndNonNegative() {
        assertFails(() -> read("x,y\n1,0\n2,-1\n", new CsvOptions(true, "y", true)),
                "data.csv: line 3, column index 1 (\"y\"): class label \"-1\" is not a whole number", "regression");
        assertFails(() -> read("x,y\n1,2.5\n", new CsvOptions(true, "y", true)),
                "line 2, column index 1 (\"y\"): class label \"2.5\" is not a whole number");
    }

    @Test
    void emptyInputIsAnError() {
        assertFails(() -> read("", new CsvOptions(false, "0", true)), "data.csv: empty");
        assertFails(() -> read("\n  \n", new CsvOptions(false, "0", true)), "data.csv: empty");
        assertFails(() -> read("a,label\n\n", new CsvOptions(true, "label", true)),
                "empty: no data rows after the header on line 1");
    }

    @Test
    void optionsAreValidated() {
        ConfigException byName = assertThrows(ConfigException.class, () -> new CsvOptions(false, "label", true));
        assertEquals("labelColumn", byName.field());
        assertContains(byName, "no header");
        assertEquals("labelColumn", assertThrows(ConfigException.class, () -> new CsvOptions(true, " ", true)).field());
        assertEquals("delimiter", assertThrows(ConfigException.class,
                () -> new CsvOptions(true, "y", '.', true)).field());
    }

    @Test
    void aWeightColumnIsTakenOutOfTheFeaturesAndTravelsWithTheLabels() throws IOException {
        Dataset d = read(IRIS_LIKE, new CsvOptions(true, "species", ',', true, "width"));
        assertArrayEquals(new long[] {2}, d.sampleShape());
        assertArrayEquals(new float[] {5.1f, 1.4f, 4.9f, 1.5f}, d.features().data().asFloat());
        assertArrayEquals(new float[] {0.2f, 0.25f}, d.weights().data().asFloat());
        assertEquals(d.labels().getFloat(1), 2f);
        Dataset byIndex = read(IRIS_LIKE.lines().skip(1).map(l -> l + "\n").reduce("", String::concat), new CsvOptions(false, "2", ',', true, "last"));
        assertArrayEquals(d.weights().data().asFloat(), byIndex.weights().data().asFloat());
        assertEquals(null, read(IRIS_LIKE, new CsvOptions(true, "species", true)).weights(), "no weight column: unweighted");
    }

    @Test
    void aBadOrMissingWeightColumnIsRefusedNamingIt() {
        assertFails(() -> read(IRIS_LIKE, new CsvOptions(true, "species", ',', true, "importance")), "data.csv",
                "weight column \"importance\" is not in the header");
        assertFails(() -> read(IRIS_LIKE, new CsvOptions(true, "species", ',', true, "species")), "is the label column");
        for (String bad : new String[] {"0", "-0.5", "NaN"}) {
            assertFails(() -> read(IRIS_LIKE.replace("0.25", bad), new CsvOptions(true, "species", ',', true, "width")),
                    "line 3", "\"width\"", bad.equals("NaN") ? "not a finite" : "> 0");
        }
    }

    private static Dataset read(String csv, CsvOptions options) throws IOException {
        return CsvReader.read(new StringReader(csv), "data.csv", options);
    }
}
