package io.spindle.driver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fashion-mlp on the Fashion-MNIST subset, each worker reading only its virtual shards' records: pixels stored as
 * uint8 (the default for IDX) give the very model of float32 storage, spooled to disk or cached in memory, and the
 * cached shards are 4x smaller.
 */
@Tag("spark")
class IdxStorageRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CACHED = Pattern.compile("rows cached in executor memory: ([\\d.]+) MiB");

    private static JsonNode train(Path run, String storage, String cache, StringBuilder out) throws Exception {
        CliRunner r = CliRunner.run(TrainCommandTest.trainArgs("fashion-mlp.json", run, "--set", "training.epochs=2", "--set", "training.batch_size=64",
                "--set", "training.workers=2", "--set", "data.storage=" + storage, "--set", "data.cache=" + cache));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        out.append(r.out());
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    private static double cachedMib(String out) {
        Matcher m = CACHED.matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void uint8IsFloat32BitForBitInAQuarterOfTheCache(@TempDir Path dir) throws Exception {
        StringBuilder f32Out = new StringBuilder(), u8Out = new StringBuilder(), diskOut = new StringBuilder();
        JsonNode f32 = train(dir.resolve("f32"), "float32", "memory", f32Out);
        JsonNode u8 = train(dir.resolve("u8"), "uint8", "memory", u8Out);
        JsonNode disk = train(dir.resolve("disk"), "uint8", "disk", diskOut);
        for (String figure : new String[] {"test_accuracy", "test_loss", "final_train_loss"}) {
            assertEquals(f32.get(figure).asText(), u8.get(figure).asText(), figure + ": uint8 vs float32");
            assertEquals(f32.get(figure).asText(), disk.get(figure).asText(), figure + ": spooled uint8 vs float32 in memory");
        }
        assertTrue(Files.readString(dir.resolve("u8/summary.json")).contains("idx-header:"), "the driver fingerprinted the headers, not the rows");
        double f32Mib = cachedMib(f32Out.toString()), u8Mib = cachedMib(u8Out.toString());
        System.out.printf("cached shards, fashion-mini (2000 rows, 2 workers): float32 %.2f MiB, uint8 %.2f MiB%n", f32Mib, u8Mib);
        assertTrue(f32Mib / u8Mib > 3.5, "float32 " + f32Mib + " MiB vs uint8 " + u8Mib + " MiB");
        assertTrue(diskOut.toString().contains("rows spooled to each executor's local disk"), diskOut.toString());
    }
}
