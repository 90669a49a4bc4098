package io.spindle.notebooks;

import org.apache.spark.sql.SparkSession;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.shell.ILoop;
import scala.tools.nsc.interpreter.shell.ShellConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code spindle shell}: the Scala 2.13 shell (the REPL the notebook runner uses, with history,
 * completion and :paste) with {@code spark} (a local SparkSession set up for Spindle), {@code sc}
 * and Spindle's Spark ML API in scope — spark-shell for machines without a Spark distribution.
 */
public final class SpindleShell {
    /** What a %spark paragraph in Zeppelin has in scope, plus Spindle's Spark ML classes. */
    static final List<String> PREAMBLE = java.util.stream.Stream.of(
            List.of("@transient val spark = io.spindle.notebooks.SpindleShell.session()", "@transient val sc = spark.sparkContext"),
            NotebookRunner.ZEPPELIN_IMPORTS, List.of("import io.spindle.driver.ml._")).flatMap(List::stream).toList();
    private static volatile SparkSession session;

    private SpindleShell() {
    }

    /** The shell's session; the preamble binds it as {@code spark}. */
    public static SparkSession session() {
        return session;
    }

    /** {@code [--master URL]}; lines come from the terminal, or from stdin when it is not one. */
    public static void main(String[] args) throws IOException {
        String master = "local[2]";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--master") && i + 1 < args.length) {
                master = args[++i];
            } else {
                System.err.println("usage: spindle shell [--master URL]   (default local[2])");
                System.exit(2);
            }
        }
        run(master, null, System.out);
        System.exit(0);
    }

    /**
     * Runs the shell until :quit or the end of input; {@code in} null reads the terminal (or stdin).
     * (ILoop's own result says only whether the session ended by :quit, so it is not passed on.)
     */
    static void run(String master, BufferedReader in, PrintStream out) throws IOException {
        Path classes = Files.createTempDirectory("spindle-shell-");
        // The prompt is read from this property when the shell's configuration is made.
        System.setProperty("scala.repl.prompt", "%nspindle> ");
        session = NotebookRunner.startSpark(master, classes, "spindle shell");
        PrintStream systemOut = System.out;
        try {
            Settings settings = ScalaInterpreter.settings(classes);
            PrintWriter writer = new PrintWriter(out, true);
            ILoop loop = new Loop(ShellConfig.apply(settings), in, writer, session);
            System.setOut(out);
            scala.Console$.MODULE$.withOut(out, () -> loop.run(settings));
        } finally {
            System.setOut(systemOut);
            session.stop();
            session = null;
            NotebookRunner.deleteTree(classes);
        }
    }

    /** The standard shell with Spindle's preamble run before the first prompt and its own welcome line. */
    private static final class Loop extends ILoop {
        private final PrintWriter writer;
        private final SparkSession spark;

        Loop(ShellConfig config, BufferedReader in, PrintWriter out, SparkSession spark) {
            super(config, in, out);
            this.writer = out;
            this.spark = spark;
        }

        @Override
        public Seq<String> internalReplAutorunCode() {
            List<String> code = new ArrayList<>(CollectionConverters.asJava(super.internalReplAutorunCode()));
            code.addAll(PREAMBLE);
            return CollectionConverters.asScala(code).toList();
        }

        @Override
        public void printWelcome() {
            writer.println("Spindle 0.1.0 shell: Scala " + scala.util.Properties.versionNumberString() + ", Spark " + spark.version()
                    + " (" + spark.sparkContext().master() + ").");
            writer.println("In scope: spark, sc, io.spindle.driver.ml._ (SpindleClassifier, SpindleRegressor). :help for commands, :quit to leave.");
            writer.flush();
        }
    }
}
