package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.report.ReportWriter;
import io.spindle.driver.report.RunRecord;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;

/**
 * {@code report RUN_DIR}: (re-)renders a run directory's charts and {@code report.html} from its history and summary;
 * {@code report RUN_A RUN_B ... [--out FILE]}: writes one page comparing the runs.
 */
final class ReportCommand {
    static final String USAGE = "report RUN_DIR | report RUN_A RUN_B ... [--out compare.html]";
    static final String DEFAULT_COMPARISON = "compare.html";
    private final Storage storage;
    private final PrintStream out;

    ReportCommand(Storage storage, PrintStream out) {
        this.storage = storage;
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("report", argv, 1, List.of("out"), List.of());
        List<String> dirs = args.positional;
        if (dirs.isEmpty()) throw new ConfigException("report", "expects a run directory, or several to compare: " + USAGE);
        if (new HashSet<>(dirs).size() < dirs.size()) throw new ConfigException("report", "a run directory is named twice in " + dirs);
        if (dirs.size() == 1 && args.option("out") != null) {
            throw new ConfigException("report --out", "is for comparing several runs; one run's report is written into its directory");
        }
        ReportWriter writer = new ReportWriter(storage);
        try {
            if (dirs.size() == 1) {
                for (String f : writer.write(dirs.get(0))) out.println("wrote " + f);
            } else {
                String page = args.option("out") == null ? DEFAULT_COMPARISON : args.option("out");
                out.println("wrote " + writer.compare(dirs, page));
            }
        } catch (RunRecord.NotARunDirectory e) {
            // A wrong argument, not a damaged run: usage error.
            throw new ConfigException("report", e.getMessage());
        }
        return 0;
    }
}
