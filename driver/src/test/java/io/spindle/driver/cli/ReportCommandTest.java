package io.spindle.driver.cli;

import io.spindle.driver.report.RunFixtures;
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

    @Test
    void rendersChartsAndASelfContainedPage(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.classification(tmp.resolve("run"), "three-class <mlp>", 1e-3, 128);
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("report.html"), r.out());

        for (String png : List.of("loss.png", "accuracy.png")) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertEquals(640, img.getWidth(), png);
            assertEquals(400, img.getHeight(), png);
            assertTrue(distinctColours(img) > 20, png + " is blank");
            assertTrue(hasColour(img, 0x1f77b4), png + " lacks the training line");
            assertTrue(hasColour(img, 0xff7f0e), png + " lacks the validation line");
        }
        // The step log's chart, the learning rate, samples/s and the all-reduce share each drew their line.
        for (String png : List.of("loss-per-step.png", "learning-rate.png", "samples-per-sec.png", "all-reduce-share.png")) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertTrue(distinctColours(img) > 20, png + " is blank");
            int line = switch (png) {
                case "loss-per-step.png" -> 0x1f77b4;
                case "learning-rate.png" -> 0x2ca02c;
                case "samples-per-sec.png" -> 0x9467bd;
                default -> 0xd62728;
            };
            assertTrue(hasColour(img, line), png + " lacks its line");
        }
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("three-class &lt;mlp&gt;") && !html.contains("<mlp>"), "the name is escaped");
        assertEquals(6, html.split("src=\"data:image/png;base64,", -1).length - 1, "all six charts inline");
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "self-contained, no scripts");
        assertTrue(html.contains("Confusion matrix") && html.contains(">25</td>") && html.contains(">24</td>"), "matrix cells");
        assertTrue(html.contains("<th>dog</th>") && html.contains("<th>&lt;bird&gt;</th>"), "class names head the matrix, escaped");
        assertTrue(html.contains("sha256:abc123") && html.contains("20,800") && html.contains("12.0%"), "provenance and throughput");
        assertTrue(html.contains("&quot;batch_size&quot; : 128"), "the job config");
        assertTrue(html.contains("<td>3</td><td>0.4500</td><td>0.8300</td><td>0.5500</td><td>0.7900</td><td>21,500</td><td>2.8</td><td>0.0005"), html);
    }

    @Test
    void classNamesComeFromTheJobWhenTheSummaryLacksThem(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.classification(tmp.resolve("old"), "old", 1e-3, 128);
        Files.writeString(run.resolve("summary.json"), Files.readString(run.resolve("summary.json"))
                .replace("\"class_names\": [\"cat\", \"dog\", \"<bird>\"],", ""));
        assertFalse(Files.readString(run.resolve("summary.json")).contains("class_names"));
        assertEquals(0, CliRunner.run("report", run.toString()).exitCode());
        assertTrue(Files.readString(run.resolve("report.html")).contains("<th>dog</th>"));

        Files.delete(run.resolve("job.json"));
        assertEquals(0, CliRunner.run("report", run.toString()).exitCode());
        assertTrue(Files.readString(run.resolve("report.html")).contains("<th>1</th>"), "the class indices, without names");
    }

    @Test
    void regressionWithoutAStepLogHasNoAccuracyOrStepCharts(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.regression(tmp.resolve("reg"));
        CliRunner r = CliRunner.run("report", run.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(run.resolve("loss.png")));
        assertFalse(Files.exists(run.resolve("accuracy.png")));
        assertFalse(Files.exists(run.resolve("loss-per-step.png")) || Files.exists(run.resolve("all-reduce-share.png")));
        assertTrue(Files.exists(run.resolve("learning-rate.png")), "the per-epoch learning rate stands in for the step log's");
        assertTrue(distinctColours(ImageIO.read(run.resolve("loss.png").toFile())) > 20, "one epoch is still drawn");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("test MSE") && !html.contains("Confusion matrix"), html);
    }

    @Test
    void missingOrCorruptRunDirectoriesAreNamed(@TempDir Path tmp) throws Exception {
        CliRunner missing = CliRunner.run("report", tmp.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nope does not exist"), missing.err());

        Path noSummary = RunFixtures.classification(tmp.resolve("a"), "a", 1e-3, 128);
        Files.delete(noSummary.resolve("summary.json"));
        CliRunner r = CliRunner.run("report", noSummary.toString());
        assertEquals(2, r.exitCode(), "a run that never finished is not a report's input");
        assertTrue(r.err().contains("summary.json is missing") && r.err().contains("not a finished Spindle run directory")
                && r.err().contains("spindle train --resume " + noSummary), r.err());

        Path badCell = RunFixtures.classification(tmp.resolve("b"), "b", 1e-3, 128);
        Files.writeString(badCell.resolve("history.csv"), Files.readString(badCell.resolve("history.csv")).replace("3,0.45,", "3,oops,"));
        r = CliRunner.run("report", badCell.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("history.csv: line 4: train_loss \"oops\" is not a number"), r.err());

        Path badJson = RunFixtures.classification(tmp.resolve("c"), "c", 1e-3, 128);
        Files.writeString(badJson.resolve("summary.json"), "{\"name\": ");
        r = CliRunner.run("report", badJson.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("summary.json: is not valid JSON"), r.err());

        Path notHistory = RunFixtures.classification(tmp.resolve("d"), "d", 1e-3, 128);
        Files.writeString(notHistory.resolve("history.csv"), "a,b\n1,2\n");
        r = CliRunner.run("report", notHistory.toString());
        assertTrue(r.err().contains("not a Spindle history"), r.err());
        assertFalse(Files.exists(notHistory.resolve("report.html")), "nothing half-written");

        assertEquals(2, CliRunner.run("report").exitCode());
    }

    @Test
    void severalRunsMakeOneComparisonPage(@TempDir Path tmp) throws Exception {
        Path a = RunFixtures.classification(tmp.resolve("lr-1e-3"), "mlp", 1e-3, 128);
        Path b = RunFixtures.classification(tmp.resolve("lr-2e-3"), "mlp", 2e-3, 256);
        Path page = tmp.resolve("cmp.html");
        CliRunner r = CliRunner.run("report", a.toString(), b.toString(), "--out", page.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("wrote " + page), r.out());
        String html = Files.readString(page);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "self-contained, no scripts");
        assertEquals(6, html.split("src=\"data:image/png;base64,", -1).length - 1, "six overlaid charts inline");
        // The summaries in one table, the better run's figure marked.
        assertTrue(html.contains("<th>test accuracy</th><td class=\"n best\">0.7900</td><td class=\"n\">0.7890</td>"), html);
        // The jobs side by side: the two settings that differ come first, highlighted; the same ones are folded away.
        assertTrue(html.contains("2 setting(s) differ"), html);
        assertTrue(html.contains("<tr class=\"diff\"><th>optimizer.learning_rate</th><td><code>0.001</code></td><td><code>0.002</code></td></tr>"), html);
        assertTrue(html.contains("<tr class=\"diff\"><th>training.batch_size</th><td><code>128</code></td><td><code>256</code></td></tr>"), html);
        assertTrue(html.contains("<tr><th>model.layers[0].units</th><td><code>64</code></td><td><code>64</code></td></tr>"), html);
        assertTrue(html.contains("<details><summary>the "), html);
        assertFalse(Files.exists(a.resolve("compare.html")), "a comparison leaves the runs as they were");
    }

    @Test
    void comparingRunsOfDifferentTasksOrSomethingElseIsRefused(@TempDir Path tmp) throws Exception {
        Path cls = RunFixtures.classification(tmp.resolve("cls"), "mlp", 1e-3, 128);
        Path reg = RunFixtures.regression(tmp.resolve("reg"));
        CliRunner r = CliRunner.run("report", cls.toString(), reg.toString(), "--out", tmp.resolve("x.html").toString());
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.err().contains("cannot compare runs of different tasks: " + cls + " is classification, " + reg + " is regression"), r.err());
        assertFalse(Files.exists(tmp.resolve("x.html")));

        Path notARun = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(notARun.resolve("cat.jpg"), "not a run");
        r = CliRunner.run("report", cls.toString(), notARun.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(notARun + " is not a finished Spindle run directory: " + notARun.resolve("history.csv") + " is missing"),
                r.err());
        r = CliRunner.run("report", notARun.resolve("cat.jpg").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("cat.jpg is a file, not a Spindle run directory"), r.err());
        r = CliRunner.run("report", cls.toString(), cls.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("named twice"), r.err());
        r = CliRunner.run("report", cls.toString(), "--out", "x.html");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("report --out: is for comparing several runs"), r.err());
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
