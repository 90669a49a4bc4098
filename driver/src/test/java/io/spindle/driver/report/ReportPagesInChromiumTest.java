package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.spindle.driver.run.Storage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run's report and a comparison page opened in headless Chromium as a person would: every chart is there, decoded,
 * laid out and painted with something on it (its pixels, in the page and on screen), and the page loads nothing from
 * anywhere and runs nothing. deploy/run-tests installs Debian's chromium and sets spindle.chromium.required, so in CI
 * a missing browser fails instead of skipping.
 */
class ReportPagesInChromiumTest {
    private static final List<String> CHARTS = List.of("loss per epoch", "loss per step", "accuracy per epoch", "learning rate",
            "samples/s per epoch", "all-reduce share per epoch");
    /** What the test asks the page, from outside it (the page itself has no script): its images' pixels and its references. */
    private static final String INSPECT = """
            (async () => {
              const imgs = [...document.images];
              await Promise.all(imgs.map(i => i.decode().catch(() => null)));
              const charts = imgs.map(i => {
                const c = document.createElement('canvas');
                c.width = i.naturalWidth; c.height = i.naturalHeight;
                const seen = new Set(); let ink = 0, colourful = 0;
                if (i.naturalWidth > 0) {
                  const g = c.getContext('2d'); g.drawImage(i, 0, 0);
                  const d = g.getImageData(0, 0, c.width, c.height).data;
                  for (let p = 0; p < d.length; p += 4) { const v = (d[p] << 16) | (d[p + 1] << 8) | d[p + 2]; seen.add(v);
                    if (v !== 0xffffff) ink++;
                    if (Math.max(d[p], d[p + 1], d[p + 2]) - Math.min(d[p], d[p + 1], d[p + 2]) > 80) colourful++; }
                }
                const r = i.getBoundingClientRect();
                return {alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight, colours: seen.size, colourful,
                        ink: ink / Math.max(1, c.width * c.height), x: r.left + scrollX, y: r.top + scrollY, shownWidth: r.width, shownHeight: r.height};
              });
              const refs = [...document.querySelectorAll('[src],[href],[srcset],[action],[data],[poster],link,script,iframe,object,embed,base')]
                .map(e => e.tagName + ' ' + (e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('srcset') || e.getAttribute('action') || ''))
                .filter(x => !x.startsWith('IMG data:image/png;base64,'));
              const handlers = [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length;
              return {charts, refs, handlers, scripts: document.scripts.length, cssUrls: document.documentElement.outerHTML.includes('url('),
                      headings: [...document.querySelectorAll('h2')].map(h => h.textContent)};
            })()""";
    private static Path chromium;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        chromium = HeadlessChromium.executable();
        if (chromium == null && Boolean.getBoolean("spindle.chromium.required")) {
            fail("spindle.chromium.required is set but chromium is not on the PATH (apt-get install chromium)");
        }
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium, or set SPINDLE_CHROMIUM): "
                + "the report pages were not opened in a browser");
        Files.createDirectories(tmp.resolve("profile"));
        browser = new HeadlessChromium(chromium, tmp.resolve("profile"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.close();
    }

    @Test
    void aRunsReportShowsEveryChart(@TempDir Path tmp) throws Exception {
        Path run = RunFixtures.classification(tmp.resolve("run"), "three-class mlp", 1e-3, 128);
        new ReportWriter(Storage.withDefaults()).write(run.toString());
        JsonNode page = look(run.resolve(ReportWriter.HTML));
        assertTrue(headings(page).containsAll(List.of("Result", "Learning curves", "Per epoch", "Confusion matrix (test)", "Job")), page.toString());
    }

    @Test
    void aComparisonPageShowsEveryOverlaidChart(@TempDir Path tmp) throws Exception {
        Path a = RunFixtures.classification(tmp.resolve("a"), "mlp", 1e-3, 128);
        Path b = RunFixtures.classification(tmp.resolve("b"), "mlp", 2e-3, 256);
        Path c = RunFixtures.classification(tmp.resolve("c"), "mlp", 3e-3, 512);
        Path out = tmp.resolve("compare.html");
        new ReportWriter(Storage.withDefaults()).compare(List.of(a.toString(), b.toString(), c.toString()), out.toString());
        JsonNode page = look(out);
        assertTrue(headings(page).containsAll(List.of("Runs", "Summaries", "Curves", "Jobs")), page.toString());
    }

    /** Opens the page and checks what every page must be; returns what the page said about itself. */
    private static JsonNode look(Path html) throws Exception {
        browser.open(html);
        JsonNode page = browser.evaluate(INSPECT);
        assertEquals(0, page.get("scripts").asInt(), "no scripts");
        assertEquals(0, page.get("handlers").asInt(), "no inline event handlers");
        assertEquals(0, page.get("refs").size(), "nothing but inlined PNGs is referenced: " + page.get("refs"));
        assertTrue(!page.get("cssUrls").asBoolean(), "the style loads nothing");
        for (String url : browser.requests()) {
            assertTrue(url.startsWith("file:") || url.startsWith("data:"), "the page requested " + url);
        }
        List<String> alts = new ArrayList<>();
        for (JsonNode chart : page.get("charts")) {
            String alt = chart.get("alt").asText();
            alts.add(alt);
            assertTrue(chart.get("complete").asBoolean() && chart.get("width").asInt() == LineChart.WIDTH
                    && chart.get("height").asInt() == LineChart.HEIGHT, alt + " decoded at its size: " + chart);
            assertTrue(chart.get("shownWidth").asDouble() >= 300 && chart.get("shownHeight").asDouble() >= 180, alt + " is laid out: " + chart);
            assertTrue(chart.get("colours").asInt() > 20 && chart.get("ink").asDouble() > 0.02, alt + " has something drawn: " + chart);
            // Axes, grid and text are grey; only the data's lines are in colour: a chart without them is empty to a reader.
            assertTrue(chart.get("colourful").asInt() > 300, alt + " has no line drawn: " + chart);
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(browser.screenshot(chart.get("x").asDouble(), chart.get("y").asDouble(),
                    chart.get("shownWidth").asDouble(), chart.get("shownHeight").asDouble())));
            assertTrue(distinctColours(shot) > 20 && inked(shot) > 0.02 && colourful(shot) > 300, alt + " is painted on the screen with its lines");
        }
        assertEquals(CHARTS, alts, "every chart, in order");
        return page;
    }

    private static List<String> headings(JsonNode page) {
        List<String> h = new ArrayList<>();
        page.get("headings").forEach(n -> h.add(n.asText()));
        return h;
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) colours.add(img.getRGB(x, y) & 0xffffff);
        return colours.size();
    }

    private static int colourful(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y), r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) n++;
            }
        }
        return n;
    }

    private static double inked(BufferedImage img) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) n++;
        return (double) n / ((long) img.getWidth() * img.getHeight());
    }
}
