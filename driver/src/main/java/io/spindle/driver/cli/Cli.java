package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Dispatches a verb and turns every user-facing failure into one clear line on stderr and an
 * exit code: 0 success, 1 the run failed (bad data file, I/O, divergence), 2 bad usage or config.
 */
public final class Cli {
    public static final String USAGE = String.join("\n",
            "usage: spindle <verb> ...",
            "  " + TrainCommand.USAGE,
            "  " + EvaluateCommand.USAGE,
            "  " + PredictCommand.USAGE,
            "  " + ReportCommand.USAGE,
            "  " + InspectCommand.USAGE + "         (named parameters: shapes, statistics, values of tiny ones)",
            "  shell [--master URL]          (deploy/spindle only: the Scala shell with Spindle loaded)",
            "  help");

    private Cli() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Storage storage = Storage.withDefaults();
        try {
            return switch (args[0]) {
                case "train" -> new TrainCommand(storage, out).run(args);
                case "evaluate" -> new EvaluateCommand(storage, out).run(args);
                case "predict" -> new PredictCommand(storage, out).run(args);
                case "report" -> new ReportCommand(storage, out).run(args);
                case "inspect" -> new InspectCommand(storage, out).run(args);
                default -> {
                    err.println("spindle: unknown verb \"" + args[0] + "\"\n" + USAGE);
                    yield 2;
                }
            };
        } catch (NativeLibraryCheck.NativeLibraryException e) {
            err.println("spindle: " + e.getMessage());
            return 1;
        } catch (ConfigException e) {
            err.println("spindle: invalid configuration: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("spindle: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            // A failed Spark stage (a checked SparkException) wraps the worker's error; report that one.
            err.println("spindle: " + FailureMessage.describe(e));
            if (System.getenv("SPINDLE_DEBUG") != null) e.printStackTrace(err);
            return 1;
        }
    }
}
