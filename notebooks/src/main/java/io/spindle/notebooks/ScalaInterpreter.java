package io.spindle.notebooks;

import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The Scala 2.13 REPL (IMain) set up as Zeppelin's Spark interpreter sets it up: class-based
 * wrappers written to an output directory (Spark serves that directory to executors as
 * {@code spark.repl.class.outputDir}), the JVM's class path visible to the compiler, and values
 * bound with {@code @transient} so closures that mention them still serialize.
 */
public final class ScalaInterpreter implements AutoCloseable {
    /** What one interpret call did: whether it compiled and ran, and everything it printed. */
    public record Outcome(Status status, String output) {
    }

    /** Success, a compile or runtime error, or code that ended in the middle of an expression. */
    public enum Status { SUCCESS, ERROR, INCOMPLETE }

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final TeeStream tee;
    private final PrintStream capture;
    private final IMain intp;

    /** A REPL whose generated classes go to {@code outputDir}; what paragraphs print is also copied to {@code echo} as it comes (null: nowhere). */
    public ScalaInterpreter(Path outputDir, PrintStream echo) {
        tee = new TeeStream(captured, echo);
        capture = new PrintStream(tee, true, StandardCharsets.UTF_8);
        Settings settings = settings(outputDir);
        PrintWriter replOut = new PrintWriter(capture, true);
        intp = new IMain(settings, new ReplReporterImpl(settings, replOut));
    }

    /** Settings Zeppelin passes to its Scala 2.13 interpreter (class-based wrappers, javacp, an output directory). */
    static Settings settings(Path outputDir) {
        Settings settings = new Settings();
        List<String> args = List.of("-Yrepl-class-based", "-Yrepl-outdir", outputDir.toAbsolutePath().toString(), "-usejavacp");
        settings.processArguments(CollectionConverters.asScala(args).toList(), true);
        return settings;
    }

    /** Binds {@code name} of static type {@code type} as a {@code @transient val}, as Zeppelin binds spark, sc and z. */
    public void bind(String name, String type, Object value) {
        Outcome o = quietly(() -> capture(() -> intp.bind(name, type, value, CollectionConverters.asScala(List.of("@transient")).toList())));
        if (o.status != Status.SUCCESS) throw new IllegalStateException("could not bind " + name + ": " + type + "\n" + o.output);
    }

    /**
     * Interprets {@code code} as one paragraph: the whole text at once, as Zeppelin does; when it
     * ends incomplete (say, on a comment) it is retried with {@code print("")} appended, as Zeppelin
     * does, and reported INCOMPLETE only if that fails too.
     */
    public Outcome interpret(String code) {
        Outcome o = capture(() -> intp.interpret(code));
        if (o.status == Status.INCOMPLETE) {
            Outcome retry = capture(() -> intp.interpret(code + "\nprint(\"\")"));
            return retry.status == Status.SUCCESS ? retry : new Outcome(Status.INCOMPLETE, o.output);
        }
        return o;
    }

    /** Like {@link #interpret} but nothing is echoed: for set-up code the user did not write. */
    public Outcome interpretQuietly(String code) {
        return quietly(() -> interpret(code));
    }

    private Outcome quietly(java.util.function.Supplier<Outcome> call) {
        tee.on = false;
        try {
            return call.get();
        } finally {
            tee.on = true;
        }
    }

    private Outcome capture(java.util.function.Supplier<Results.Result> call) {
        captured.reset();
        // Paragraph code prints through scala.Console and System.out; the REPL's own echo through `capture`.
        PrintStream systemOut = System.out;
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        Results.Result result;
        try {
            System.setOut(capture);
            thread.setContextClassLoader(intp.classLoader());
            result = scala.Console$.MODULE$.withOut(capture, call::get);
        } finally {
            System.setOut(systemOut);
            thread.setContextClassLoader(context);
        }
        capture.flush();
        String out = captured.toString(StandardCharsets.UTF_8);
        Status status = result == Results.Success$.MODULE$ ? Status.SUCCESS
                : result == Results.Incomplete$.MODULE$ ? Status.INCOMPLETE : Status.ERROR;
        return new Outcome(status, out);
    }

    /** Writes to the capture a paragraph's outcome reports and, while {@code on}, to the live echo (if any). */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a, b;
        volatile boolean on = true;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            if (on && b != null) b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            if (on && b != null) b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            if (b != null) b.flush();
        }
    }

    @Override
    public void close() {
        intp.close();
    }
}
