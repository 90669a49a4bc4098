package io.spindle.driver.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each verb's usage, asked for as {@code VERB --help}, {@code VERB -h} or {@code help VERB}; no Spark starts. */
class CliHelpTest {
    @Test
    void trainHelpPrintsTrainsUsageInEveryForm() {
        for (String[] args : new String[][] {{"train", "--help"}, {"train", "-h"}, {"help", "train"},
                {"train", "deploy/configs/fashion-mlp.json", "--help"}}) {
            CliRunner r = CliRunner.run(args);
            assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("usage: spindle train JOB.json"), r.out());
            assertTrue(r.out().contains("--no-ui") && r.out().contains("--verbose") && r.out().contains("--resume RUN_DIR"), r.out());
            assertEquals("", r.err(), "no configuration error for " + String.join(" ", args));
        }
    }

    @Test
    void otherVerbsHaveTheirOwnUsage() {
        for (String verb : new String[] {"evaluate", "predict", "report"}) {
            CliRunner r = CliRunner.run(verb, "--help");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith("usage: spindle " + verb + " "), r.out());
        }
        CliRunner all = CliRunner.run("help");
        assertEquals(0, all.exitCode());
        assertTrue(all.out().contains("help [VERB]") && all.out().contains("train JOB.json"), all.out());
    }

    @Test
    void helpForAnUnknownVerbSaysSo() {
        CliRunner r = CliRunner.run("help", "trian");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("spindle: unknown verb \"trian\""), r.err());
    }
}
