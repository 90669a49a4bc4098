package io.spindle.driver.run;

import io.spindle.core.train.EpochStats;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In a log file (no terminal) a short epoch is one summary line; on a terminal the bar redraws one line in place. */
class ProgressBarTest {
    private static List<String> epoch(boolean interactive) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), interactive);
        bar.onEpochStart(1, 2, 400);
        for (int step = 1; step <= 400; step++) bar.onStep(1, step, 400, 0.5, 1000);
        bar.onEpochEnd(new EpochStats(1, 0.5, 0.8, 0.6, 0.75, 1000, 0.4, 1e-3));
        // Lines as a terminal shows them: only '\n' ends one (String.lines would split at the bar's '\r' too).
        return List.of(bytes.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void aShortEpochInALogIsOneLine() {
        List<String> lines = epoch(false);
        assertEquals(1, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("epoch 1/2  loss 0.5000  acc 0.8000  val_loss 0.6000  val_acc 0.7500"), lines.get(0));
    }

    @Test
    void aTerminalGetsTheBarRedrawnOnOneLine() {
        List<String> lines = epoch(true);
        assertEquals(1, lines.size(), "the bar is redrawn with carriage returns, then replaced by the summary");
        String line = lines.get(0);
        assertTrue(line.contains("[========================] 400/400") && line.contains("\r") && line.endsWith("0.4 s"), line);
    }
}
