package io.spindle.driver.cli;

import io.spindle.core.config.ConfigException;
import io.spindle.driver.report.ReportWriter;
import io.spindle.driver.run.Storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/** {@code report RUN_DIR}: (re-)renders a run directory's charts and {@code report.html} from its history and summary. */
final class ReportCommand {
    static final String USAGE = "report RUN_DIR";
    private final Storage storage;
    private final PrintStream out;

    ReportCommand(Storage storage, PrintStream out) {
        this.storage = storage;
        this.out = out;
    }

    int run(String[] argv) throws IOException {
        Args args = Args.parse("report", argv, 1, List.of(), List.of());
        if (args.positional.size() != 1) throw new ConfigException("report", "expects one run directory: " + USAGE);
        for (String f : new ReportWriter(storage).write(args.positional.get(0))) out.println("wrote " + f);
        return 0;
    }
}
