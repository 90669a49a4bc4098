package io.spindle.driver.cli;

import io.spindle.core.train.EpochStats;
import io.spindle.core.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code spindle report RUN_DIR}: charts that decode and show something, an HTML page with the tables, clear errors. */
class ReportCommandTest {

    /** A run directory as train leaves it: 3 epochs of a 3-class classifier, with validation. */
    static Path classificationRun(Path dir) throws Exception {
        Files.createDirectories(dir);
        History h = History.of(List.of(
                new EpochStats(1, 0.9, 0.61, 0.8, 0.66, 20_000, 3.0, 1e-3),
                new EpochStats(2, 0.6, 0.75, 0.62, 0.74, 21_000, 2.9, 8e-4),
                new EpochStats(3, 0.45, 0.83, 0.55, 0.79, 21_500, 2.8, 5e-4)), -1);
        Files.writeString(dir.resolve("history.csv"), h.toCsv());
        Files.writeString(dir.resolve("summary.json"), """
                {"name": "three-class <mlp>", "test_loss": 0.55, "test_accuracy": 0.79, "test_macro_f1": 0.78, "test_samples": 100,
                 "final_train_loss": 0.45, "train_samples_per_sec": 20800, "epochs": 3, "workers": 2, "collective_share": 0.12,
                 "seconds": 9.5, "steps": 300, "params": 1234, "seed": 42, "data_fingerprint": "sha256:abc123",
                 "spindle_version": "0.1.0", "confusion_matrix": [[30, 3, 1], [4, 25, 4], [2, 7, 24]]}""");
        Files.writeString(dir.resolve("job.json"), "{\"name\": \"three-class <mlp>\", \"training\": {\"epochs\": 3, \"batch_size\": 128}}");
        return dir;
    }

    @Test
    void rendersChartsAndASelfContainedPage(@TempDir Path tmp) throws Exception {
        Path run = classificationRun(tmp.resolve("run"));
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("report.html"), r.out());

        for (String png : List.of("loss.png", "accuracy.png")) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertEquals(800, img.getWidth(), png);
            assertEquals(450, img.getHeight(), png);
            assertTrue(distinctColours(img) > 20, png + " is blank");
            assertTrue(hasColour(img, 0x1f77b4), png + " lacks the training line");
            assertTrue(hasColour(img, 0xff7f0e), png + " lacks the validation line");
        }
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("three-class &lt;mlp&gt;") && !html.contains("<mlp>"), "the name is escaped");
        assertEquals(2, html.split("src=\"data:image/png;base64,", -1).length - 1, "both charts inline");
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "self-contained, no scripts");
        assertTrue(html.contains("<td>3</td><td>0.4500</td><td>0.8300</td><td>0.5500</td><td>0.7900</td>"), "per-epoch row");
        assertTrue(html.contains("Confusion matrix") && html.contains(">25</td>") && html.contains(">24</td>"), "matrix cells");
        assertTrue(html.contains("sha256:abc123") && html.contains("20,800") && html.contains("12.0%"), "provenance and throughput");
        assertTrue(html.contains("&quot;batch_size&quot; : 128"), "the job config");
    }

    @Test
    void regressionHasALossChartOnly(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("reg");
        Files.createDirectories(run);
        Files.writeString(run.resolve("history.csv"), History.of(List.of(
                new EpochStats(1, 4.0, Double.NaN, Double.NaN, Double.NaN, 900, 0.1, 0.01)), -1).toCsv());
        Files.writeString(run.resolve("summary.json"), "{\"name\": \"lin\", \"test_mse\": 0.08, \"test_r2\": 0.99, \"epochs\": 1}");
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(run.resolve("loss.png")));
        assertFalse(Files.exists(run.resolve("accuracy.png")));
        assertTrue(distinctColours(ImageIO.read(run.resolve("loss.png").toFile())) > 20, "one epoch is still drawn");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("test MSE") && !html.contains("Confusion matrix"), html);
    }

    @Test
    void missingOrCorruptRunDirectoriesAreNamed(@TempDir Path tmp) throws Exception {
        CliRunner missing = CliRunner.run("report", tmp.resolve("nope").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nope does not exist"), missing.err());

        Path noSummary = classificationRun(tmp.resolve("a"));
        Files.delete(noSummary.resolve("summary.json"));
        CliRunner r = CliRunner.run("report", noSummary.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("summary.json is missing") && r.err().contains("not a finished Spindle run directory"), r.err());

        Path badCell = classificationRun(tmp.resolve("b"));
        Files.writeString(badCell.resolve("history.csv"), Files.readString(badCell.resolve("history.csv")).replace("3,0.45,", "3,oops,"));
        r = CliRunner.run("report", badCell.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("history.csv: line 4: train_loss \"oops\" is not a number"), r.err());

        Path badJson = classificationRun(tmp.resolve("c"));
        Files.writeString(badJson.resolve("summary.json"), "{\"name\": ");
        r = CliRunner.run("report", badJson.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("summary.json: is not valid JSON"), r.err());

        Path notHistory = classificationRun(tmp.resolve("d"));
        Files.writeString(notHistory.resolve("history.csv"), "a,b\n1,2\n");
        r = CliRunner.run("report", notHistory.toString());
        assertTrue(r.err().contains("not a Spindle history"), r.err());
        assertFalse(Files.exists(notHistory.resolve("report.html")), "nothing half-written");

        assertEquals(2, CliRunner.run("report").exitCode());
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) colours.add(img.getRGB(x, y) & 0xffffff);
        return colours.size();
    }

    private static boolean hasColour(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        return n > 50;
    }
}
