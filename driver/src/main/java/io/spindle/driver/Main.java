package io.spindle.driver;

import io.spindle.core.NativeRuntime;

import io.spindle.driver.cli.Cli;

/** The {@code spindle} command: {@code train}, {@code evaluate}, {@code predict}, {@code report}, {@code inspect}, {@code help}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        NativeRuntime.configure();
        int code = Cli.run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }
}
