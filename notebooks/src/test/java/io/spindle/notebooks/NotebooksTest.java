package io.spindle.notebooks;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every notebook in notebooks/ runs green, paragraph by paragraph, in the REPL Zeppelin's Spark
 * interpreter wraps — on the shipped Fashion-MNIST subset and a few epochs, set through the
 * notebooks' own textboxes — so the notebooks cannot rot. Plus the runner's own checks.
 */
@Tag("spark")
class NotebooksTest {
    static final Path NOTEBOOKS = Path.of(System.getProperty("spindle.notebooks.dir", "."));
    static final String FASHION_MINI = System.getProperty("spindle.fashion.mini", "../core/src/test/resources/fashion-mini");

    /** Small data and short training: the values CI types into the notebooks' forms. */
    static final Map<String, String> CI_FORMS = Map.of(
            "dataDir", Path.of(FASHION_MINI).toAbsolutePath().toString(),
            "trainRows", "1000", "testRows", "500", "epochs", "2",
            "carsCsv", NOTEBOOKS.resolve("data/cars.csv").toAbsolutePath().toString(),
            "tabularDir", NOTEBOOKS.resolve("../deploy/configs/data").toAbsolutePath().normalize().toString());

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsGreen() throws IOException {
        List<Path> notes;
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            notes = files.filter(f -> f.toString().endsWith(".zpln")).sorted().toList();
        }
        assertFalse(notes.isEmpty(), "no notebooks in " + NOTEBOOKS.toAbsolutePath());
        return notes.stream().map(note -> DynamicTest.dynamicTest(note.getFileName().toString(), () -> {
            List<NotebookRunner.ParagraphRun> runs = new NotebookRunner(CI_FORMS, "local[2]", null).run(note);
            runs.forEach(r -> System.out.printf(Locale.ROOT, "%s, %s: %.1f s%n", note.getFileName(), r.paragraph().label(), r.seconds()));
            String all = runs.stream().map(NotebookRunner.ParagraphRun::output).collect(Collectors.joining("\n"));
            // Every notebook shows at least one result as a Zeppelin table (so its chart buttons apply).
            assertTrue(all.contains("%table "), note + " shows no %table");
            // And what it trains learns something, even on the small data.
            Matcher m = Pattern.compile("test accuracy: ([0-9.]+)").matcher(all);
            while (m.find()) assertTrue(Double.parseDouble(m.group(1)) > 0.5, note + ": " + m.group());
        }));
    }

    @Test
    void runnerBindsSparkAndZAndShipsReplClassesToExecutors() throws IOException {
        List<NotebookRunner.ParagraphRun> runs = new NotebookRunner(Map.of("k", "2"), "local[2]", null).run(note("smoke.zpln"));
        assertEquals(2, runs.size(), "the %md paragraph is text, not code");
        String shown = runs.get(1).output();
        assertTrue(shown.contains("%table x\ty\n0\t0.0\n1\t1.0\n2\t2.0\n"), shown);
        assertTrue(shown.contains("sum=45.0"), shown);
        assertTrue(shown.contains("2,4,6,8"), shown);
    }

    @Test
    void aFailingParagraphIsNamedWithItsError() {
        NotebookRunner runner = new NotebookRunner(Map.of(), "local[1]", null);
        NotebookRunner.ParagraphFailure thrown = assertThrows(NotebookRunner.ParagraphFailure.class, () -> runner.run(note("broken.zpln")));
        assertTrue(thrown.getMessage().startsWith("broken.zpln, paragraph 2 (Throws): error"), thrown.getMessage());
        assertTrue(thrown.getMessage().contains("b is 2"), thrown.getMessage());
        NotebookRunner.ParagraphFailure typo = assertThrows(NotebookRunner.ParagraphFailure.class, () -> runner.run(note("typo.zpln")));
        assertTrue(typo.getMessage().startsWith("typo.zpln, paragraph 1: error"), typo.getMessage());
        assertTrue(typo.getMessage().contains("not found: value undefinedName"), typo.getMessage());
    }

    @Test
    void directivesAndLocalPropertiesAreSplitFromTheCode() {
        Notebook.Paragraph p = Notebook.parse(1, null, "%spark(pool=fast)\nval a = 1", "spark");
        assertEquals("spark", p.interpreter());
        assertEquals("\nval a = 1", p.code());
        assertTrue(Notebook.parse(2, null, "val b = 2", "spark").isScala(), "no directive: the note's default group");
        assertEquals("md", Notebook.parse(3, null, "%md # Title", "spark").interpreter());
        assertFalse(Notebook.parse(4, null, "%spark.sql select 1", "spark").isScala());
    }

    @Test
    void sparkConfParagraphsAreReadAndMustComeFirst() {
        Notebook.Paragraph conf = Notebook.parse(1, null, "%spark.conf\n# Kryo\nspark.serializer   org.apache.spark.serializer.KryoSerializer\n"
                + "spark.jars /opt/spindle/driver/target/spindle-0.1.0-all.jar\n", "spark");
        assertEquals(Map.of("spark.serializer", "org.apache.spark.serializer.KryoSerializer",
                "spark.jars", "/opt/spindle/driver/target/spindle-0.1.0-all.jar"), NotebookRunner.sparkConf("n", conf));
        NotebookRunner.ParagraphFailure bad = assertThrows(NotebookRunner.ParagraphFailure.class,
                () -> NotebookRunner.sparkConf("n", Notebook.parse(1, null, "%spark.conf\nserializer kryo", "spark")));
        assertTrue(bad.getMessage().contains("spark.property value"), bad.getMessage());
        NotebookRunner.ParagraphFailure jar = assertThrows(NotebookRunner.ParagraphFailure.class,
                () -> NotebookRunner.sparkConf("n", Notebook.parse(1, null, "%spark.conf\nspark.jars /tmp/other.jar", "spark")));
        assertTrue(jar.getMessage().contains("Spindle's fat jar"), jar.getMessage());
        NotebookRunner.ParagraphFailure late = assertThrows(NotebookRunner.ParagraphFailure.class,
                () -> new NotebookRunner(Map.of(), "local[1]", null).run(note("conf-late.zpln")));
        assertTrue(late.getMessage().contains("%spark.conf must come before every %spark paragraph"), late.getMessage());
    }

    private static Path note(String name) {
        return Path.of("src/test/resources/notes", name);
    }
}
