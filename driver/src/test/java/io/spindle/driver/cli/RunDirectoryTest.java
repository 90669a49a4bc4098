package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.driver.run.RunLock;
import io.spindle.driver.run.StepLoss;
import io.spindle.driver.run.Storage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run per run directory, through the CLI on Spark local mode: a second run is refused naming the first,
 * someone else's non-empty directory is refused unless --overwrite, and a refused --resume leaves job.json alone.
 */
@Tag("spark")
class RunDirectoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRunner train(Path run, String... extra) {
        String[] base = TrainCommandTest.trainArgs("fashion-mlp-small.json", run, "--set", "training.epochs=1", "--set", "training.workers=2");
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRunner.run(all);
    }

    @Test
    void aSecondRunIntoALockedDirectoryIsRefusedNamingTheFirst(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (RunLock first = RunLock.acquire(Storage.withDefaults(), run.toString(), line -> { })) {
            CliRunner r = train(run);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("output.dir") && r.err().contains("is in use by the Spindle run of pid " + ProcessHandle.current().pid()),
                    r.err());
            assertFalse(Files.exists(run.resolve("job.json")), "the refused run wrote nothing");
        }
        CliRunner r = train(run);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(run.resolve("model.spindle")));
        assertFalse(Files.exists(run.resolve(RunLock.NAME)), "the run removed its lock at the end");
    }

    @Test
    void someoneElsesDirectoryIsRefusedUnlessOverwrite(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("photos");
        Files.createDirectories(run);
        Files.writeString(run.resolve("holiday.jpg"), "not ours");
        CliRunner refused = train(run);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("output.dir") && refused.err().contains("is not empty (holiday.jpg)")
                && refused.err().contains("not a Spindle run directory") && refused.err().contains("--overwrite"), refused.err());

        CliRunner r = train(run, "--overwrite");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(run.resolve("model.spindle")));
        assertEquals("not ours", Files.readString(run.resolve("holiday.jpg")));
    }

    @Test
    void aRefusedResumeLeavesJobJsonAndAnAcceptedOneKeepsThePrevious(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertEquals(0, train(run).exitCode());
        String before = Files.readString(run.resolve("job.json"));

        CliRunner refused = CliRunner.run("train", "--resume", run.toString(), "--set", "training.seed=7");
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("training.seed"), refused.err());
        assertEquals(before, Files.readString(run.resolve("job.json")), "a refused resume leaves job.json as it was");
        assertFalse(Files.exists(run.resolve("job.previous.json")));

        // The data order is global, so the run goes on on another worker count.
        CliRunner resumed = CliRunner.run("train", "--resume", run.toString(), "--set", "training.epochs=2", "--set", "training.workers=1");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(2, JSON.readTree(run.resolve("job.json").toFile()).get("training").get("epochs").asInt());
        assertEquals(1, JSON.readTree(run.resolve("job.json").toFile()).get("training").get("workers").asInt());
        assertEquals(before, Files.readString(run.resolve("job.previous.json")));
        assertFalse(Files.exists(run.resolve(RunLock.NAME)));
        // The step log covers the whole run: the first run's steps, then the resumed epoch's, each once.
        java.util.List<StepLoss> steps = StepLoss.parseCsv(Files.readString(run.resolve(StepLoss.FILE)), "steps.csv");
        assertEquals(JSON.readTree(run.resolve("summary.json").toFile()).get("steps").asLong(), steps.size());
        for (int i = 0; i < steps.size(); i++) assertEquals(i + 1, steps.get(i).step());
        assertEquals(2.0, steps.get(steps.size() - 1).epoch(), 1e-12);

        // A resume whose settings diverge leaves the run's job as it was before that resume.
        String accepted = Files.readString(run.resolve("job.json"));
        CliRunner diverged = CliRunner.run("train", "--resume", run.toString(), "--set", "training.epochs=3",
                "--set", "optimizer.learning_rate=1e30");
        assertEquals(1, diverged.exitCode(), diverged.out() + diverged.err());
        assertTrue(diverged.err().contains("training diverged") && diverged.err().contains("job.json is back to the job this resume started from"),
                diverged.err());
        assertEquals(accepted, Files.readString(run.resolve("job.json")));
        assertFalse(Files.exists(run.resolve(RunLock.NAME)), "a failed run removes its lock too");
    }
}
