package io.spindle.driver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refused at check time, before any work, with exit 2 and the field named: an output.dir (or --out) that would
 * scatter a run over a shared place, an empty data directory, more workers than rows in a batch.
 */
class CheckTimeRefusalTest {

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

    @Test
    void anEmptyDataDirectoryHasNoDataFiles(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("parts"));
        Files.writeString(empty.resolve("_SUCCESS"), "");
        CliRunner r = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp.json", "--out", dir.resolve("run").toString(),
                "--set", "data.format=parquet", "--set", "data.train=" + empty, "--set", "data.test=null");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("data.train: " + empty + " is a directory that has no data files"), r.err());
        CliRunner idx = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp.json", "--out", dir.resolve("run").toString(),
                "--set", "data.train=" + empty);
        assertEquals(2, idx.exitCode(), idx.err());
        assertTrue(idx.err().contains("is a directory that has no data files") && !idx.err().contains("does not exist"), idx.err());
    }

    @Test
    void aThousandWorkersSuggestACountThatFits() {
        CliRunner r = CliRunner.run("train", CliRunner.REPO + "/deploy/configs/fashion-mlp.json", "--set", "training.workers=1000");
        assertEquals(2, r.exitCode(), r.err());
        int cores = Runtime.getRuntime().availableProcessors();
        assertTrue(r.err().contains("training.workers = 1000 is not allowed: at most training.batch_size") && r.err().contains("(" + cores + " cores)")
                && r.err().contains("e.g. training.workers="), r.err());
        assertTrue(!r.err().contains(" 0 or "), r.err());
    }
}
