package io.spindle.driver;

import io.spindle.core.NativeRuntime;
import io.spindle.core.config.ConfigException;
import io.spindle.driver.cli.Cli;
import io.spindle.driver.cli.ConsoleLogging;
import io.spindle.driver.spark.SparkLineCheck;

/** The {@code spindle} command: {@code train}, {@code evaluate}, {@code predict}, {@code report}, {@code inspect}, {@code help}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String[] rest;
        try {
            SparkLineCheck.require();
            rest = ConsoleLogging.configure(args, System.getenv("SPINDLE_LOG"));
        } catch (ConfigException e) {
            System.err.println("spindle: " + e.getMessage());
            System.exit(2);
            return;
        }
        NativeRuntime.configure();
        int code = Cli.run(rest, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
