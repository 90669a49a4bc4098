package io.spindle.driver.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** output.dir (and --out) that would scatter a run over a shared place are refused at check time, before any work. */
class OutputDirTest {

    private static void assertRefused(String dir, String why, String... how) {
        String[] args = {"train", CliRunner.REPO + "/deploy/configs/fashion-mlp.json", how.length == 0 ? "--set" : how[0],
                how.length == 0 ? "output.dir=" + dir : dir};
        CliRunner r = CliRunner.run(args);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("output.dir") && r.err().contains(why), r.err());
    }

    @Test
    void emptyRootAndHomeAreRefused() {
        assertRefused("", "a directory of its own for this run");
        assertRefused("", "a directory of its own for this run", "--out");
        assertRefused("/", "not the file system's root");
        assertRefused("file:///", "not the file system's root");
        assertRefused("/tmp/..", "not the file system's root");
        assertRefused(System.getProperty("user.home"), "not the home directory");
        assertRefused(System.getProperty("user.home"), "not the home directory", "--out");
        assertRefused("hdfs://namenode:8020/", "not the file system's root");
    }
}
