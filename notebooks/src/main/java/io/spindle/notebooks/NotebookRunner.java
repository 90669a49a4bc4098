package io.spindle.notebooks;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs a Zeppelin note's {@code %spark} paragraphs in order, as Zeppelin's Spark interpreter would:
 * one Scala 2.13 REPL with {@code spark} (a local SparkSession), {@code sc} and {@code z} bound and
 * Zeppelin's default imports, the REPL's classes served to Spark's executors. {@code %md}
 * paragraphs are text; any other interpreter fails the run, since the runner cannot check it.
 * The first failing paragraph stops the run with a {@link ParagraphFailure} naming note and paragraph.
 */
public final class NotebookRunner {
    /** One paragraph's output and time. */
    public record ParagraphRun(Notebook.Paragraph paragraph, String output, double seconds) {
    }

    /** A failed paragraph: the note, the paragraph, why, and what it printed. */
    public static final class ParagraphFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParagraphFailure(String notebook, Notebook.Paragraph p, String why, String output) {
            super(notebook + ", " + p.label() + ": " + why + (output.isBlank() ? "" : "\n" + output.strip()));
        }
    }

    static final List<String> ZEPPELIN_IMPORTS = List.of("import org.apache.spark.SparkContext._", "import spark.implicits._",
            "import spark.sql", "import org.apache.spark.sql.functions._");
    private final Map<String, String> forms;
    private final String master;
    private final PrintStream echo;

    /** {@code forms}: values for the notes' textboxes; {@code master}: e.g. local[2]; {@code echo}: live output, or null. */
    public NotebookRunner(Map<String, String> forms, String master, PrintStream echo) {
        this.forms = Map.copyOf(forms);
        this.master = master;
        this.echo = echo;
    }

    /** Runs every paragraph of {@code file} in a fresh REPL and SparkSession, both closed at the end. */
    public List<ParagraphRun> run(Path file) throws IOException {
        Notebook note = Notebook.read(file);
        String name = file.getFileName().toString();
        Map<String, String> sparkConf = new java.util.LinkedHashMap<>();
        boolean codeSeen = false;
        for (Notebook.Paragraph p : note.paragraphs()) {
            if (p.interpreter().equals("spark.conf")) {
                // Zeppelin applies %spark.conf only while the interpreter starts: after code it would be ignored.
                if (codeSeen) throw new ParagraphFailure(name, p, "%spark.conf must come before every %spark paragraph", "");
                sparkConf.putAll(sparkConf(name, p));
            } else if (p.isScala()) {
                codeSeen = true;
            } else if (!p.interpreter().equals("md")) {
                throw new ParagraphFailure(name, p, "%" + p.interpreter() + " paragraphs cannot be checked here: use %spark (Scala), %spark.conf or %md", "");
            }
        }
        Path classes = Files.createTempDirectory("spindle-repl-");
        List<ParagraphRun> runs = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ScalaInterpreter repl = new ScalaInterpreter(classes, echo)) {
            SparkSession spark = startSpark(master, classes, note.name(), sparkConf);
            try {
                bindLikeZeppelin(repl, spark, new NotebookContext(forms, 1000));
                if (echo != null) echo.printf(java.util.Locale.ROOT, "== %s: Spark and the REPL ready in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
                for (Notebook.Paragraph p : note.paragraphs()) {
                    if (!p.isScala()) continue;
                    if (echo != null) echo.println("== " + name + ", " + p.label());
                    long start = System.nanoTime();
                    ScalaInterpreter.Outcome o = repl.interpret(p.code());
                    if (o.status() != ScalaInterpreter.Status.SUCCESS) {
                        throw new ParagraphFailure(name, p, o.status() == ScalaInterpreter.Status.INCOMPLETE ? "incomplete expression" : "error", o.output());
                    }
                    ParagraphRun run = new ParagraphRun(p, o.output(), (System.nanoTime() - start) / 1e9);
                    if (echo != null) echo.printf(java.util.Locale.ROOT, "== %s, %s: %.1f s%n", name, p.label(), run.seconds());
                    runs.add(run);
                }
            } finally {
                spark.stop();
            }
        } finally {
            deleteTree(classes);
        }
        return runs;
    }

    /**
     * A {@code %spark.conf} paragraph's properties: one {@code key value} per line, {@code #} comments. Each key
     * must name a Spark property, and a jar it adds must be Spindle's fat jar (the runner has Spindle on its classpath).
     */
    static Map<String, String> sparkConf(String note, Notebook.Paragraph p) {
        Map<String, String> props = new java.util.LinkedHashMap<>();
        for (String line : p.code().lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] kv = line.split("\\s+", 2);
            if (kv.length < 2 || !kv[0].startsWith("spark.")) {
                throw new ParagraphFailure(note, p, "a %spark.conf line is \"spark.property value\"; this one is \"" + line + "\"", "");
            }
            if (kv[0].equals("spark.jars") && !kv[1].matches(".*spindle-[^/]*-all\\.jar")) {
                throw new ParagraphFailure(note, p, "spark.jars should name Spindle's fat jar (driver/target/spindle-VERSION-all.jar), not " + kv[1], "");
            }
            props.put(kv[0], kv[1]);
        }
        return props;
    }

    /**
     * A local session configured as a Zeppelin Spark interpreter for Spindle would be: Kryo with
     * Spindle's registrator, one OpenMP thread per task, and the REPL's output directory.
     */
    public static SparkSession startSpark(String master, Path replClasses, String appName) {
        return startSpark(master, replClasses, appName, Map.of());
    }

    /**
     * As above, then a note's {@code %spark.conf} properties, except the ones this runner owns: the master, and
     * {@code spark.jars} (Spindle is on the classpath already) and the driver's memory (this JVM is running).
     */
    public static SparkSession startSpark(String master, Path replClasses, String appName, Map<String, String> noteConf) {
        if (SparkSession.getDefaultSession().isDefined()) {
            throw new IllegalStateException("a SparkSession is already running in this JVM; the REPL's classes would not reach its executors");
        }
        SparkConf conf = new SparkConf(true).setMaster(master).setAppName(appName)
                .set("spark.repl.class.outputDir", replClasses.toAbsolutePath().toString())
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "io.spindle.driver.spark.SpindleKryoRegistrator")
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "4");
        noteConf.forEach((k, v) -> {
            if (!List.of("spark.master", "spark.jars", "spark.driver.memory").contains(k)) conf.set(k, v);
        });
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** spark, sc and z as {@code @transient val}s, then Zeppelin's imports. */
    static void bindLikeZeppelin(ScalaInterpreter repl, SparkSession spark, NotebookContext z) {
        repl.bind("spark", "org.apache.spark.sql.SparkSession", spark);
        repl.bind("sc", "org.apache.spark.SparkContext", spark.sparkContext());
        repl.bind("z", NotebookContext.class.getName(), z);
        for (String line : ZEPPELIN_IMPORTS) {
            ScalaInterpreter.Outcome o = repl.interpretQuietly(line);
            if (o.status() != ScalaInterpreter.Status.SUCCESS) throw new IllegalStateException(line + " failed:\n" + o.output());
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
