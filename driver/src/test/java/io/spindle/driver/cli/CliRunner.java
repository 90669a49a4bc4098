package io.spindle.driver.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process and captures what it prints. */
record CliRunner(int exitCode, String out, String err) {
    static final String REPO = System.getProperty("user.dir") + "/..";
    static final String MINI = REPO + "/core/src/test/resources/fashion-mini";

    static CliRunner run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRunner(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] miniData() {
        return new String[] {"--set", "data.train=" + MINI + "/train-images-idx3-ubyte.gz",
                "--set", "data.test=" + MINI + "/t10k-images-idx3-ubyte.gz"};
    }
}
