package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

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
            "  help [VERB]                   (or VERB --help, VERB -h: one verb's usage)",
            "  --verbose (any verb) or SPINDLE_LOG=INFO|DEBUG|...: Spark's own logs on stderr (default: WARN and above)");

    private Cli() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || isHelp(args[0])) {
            if (args.length > 1) return verbUsage(args[1], out, err);
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (Arrays.stream(args).skip(1).anyMatch(a -> a.equals("--help") || a.equals("-h"))) return verbUsage(args[0], out, err);
        Storage storage = Storage.withDefaults();
        try {
            return switch (args[0]) {
                case "train" -> new TrainCommand(storage, out).run(args);
                case "evaluate" -> new EvaluateCommand(storage, out).run(args);
                case "predict" -> new PredictCommand(storage, out).run(args);
                case "report" -> new ReportCommand(storage, out).run(args);
                case "inspect" -> new InspectCommand(storage, out).run(args);
                default -> unknownVerb(args[0], err);
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

    private static boolean isHelp(String arg) {
        return arg.equals("help") || arg.equals("--help") || arg.equals("-h");
    }

    /** {@code help VERB}, {@code VERB --help}, {@code VERB -h}: that verb's usage on stdout. */
    private static int verbUsage(String verb, PrintStream out, PrintStream err) {
        String usage = switch (verb) {
            case "train" -> TrainCommand.HELP;
            case "evaluate" -> EvaluateCommand.USAGE;
            case "predict" -> PredictCommand.USAGE;
            case "report" -> ReportCommand.USAGE;
            case "shell" -> "shell [--master URL]   (deploy/spindle only: the Scala shell with spark bound and Spindle loaded)";
            default -> null;
        };
        if (usage == null) return unknownVerb(verb, err);
        out.println("usage: spindle " + usage);
        return 0;
    }

    private static int unknownVerb(String verb, PrintStream err) {
        err.println("spindle: unknown verb \"" + verb + "\"\n" + USAGE);
        return 2;
    }
}
