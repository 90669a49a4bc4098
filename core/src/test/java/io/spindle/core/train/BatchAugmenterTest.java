package io.spindle.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Augmentation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each augmented image is the original flipped and/or shifted with zeros coming in, drawn again for every step. */
class BatchAugmenterTest {
    private static final long[] SHAPE = {2, 4, 5};   // channels, height, width
    private static final int SIZE = 40, ROWS = 64;

    /** Pixel values 1..40, all different and none 0, so every flip and shift of it is told apart. */
    private static float[] image() {
        float[] v = new float[SIZE];
        for (int i = 0; i < SIZE; i++) v[i] = i + 1;
        return v;
    }

    private static INDArray batch() {
        return Nd4j.create(image(), new long[] {1, SIZE}, 'c').repeat(0, ROWS).castTo(DataType.FLOAT).dup('c');
    }

    /** The image flipped (or not), then shifted so that output (y, x) is input (y + dy, x + dx), zeros outside. */
    private static float[] expected(boolean flip, int dy, int dx) {
        float[] in = image(), out = new float[SIZE];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    int sy = y + dy, sx = x + dx;
                    if (sy < 0 || sy >= 4 || sx < 0 || sx >= 5) continue;
                    out[(c * 4 + y) * 5 + x] = in[(c * 4 + sy) * 5 + (flip ? 4 - sx : sx)];
                }
            }
        }
        return out;
    }

    /** Which (flip, dy, dx) within padding p made {@code row}, as "flip dy dx", or null if none did. */
    private static String explain(float[] row, int p, boolean flips) {
        for (boolean flip : flips ? new boolean[] {false, true} : new boolean[] {false}) {
            for (int dy = -p; dy <= p; dy++) {
                for (int dx = -p; dx <= p; dx++) {
                    if (java.util.Arrays.equals(row, expected(flip, dy, dx))) return flip + " " + dy + " " + dx;
                }
            }
        }
        return null;
    }

    private static Set<String> augmentAndExplain(Augmentation a, long step, int p) {
        INDArray x = batch();
        new BatchAugmenter(a, SHAPE, 7).apply(x, ROWS, step);
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < ROWS; r++) {
            String how = explain(x.getRow(r).toFloatVector(), p, a.horizontalFlip());
            assertTrue(how != null, "row " + r + " is no flip and shift within " + p + " of the image");
            seen.add(how);
        }
        return seen;
    }

    @Test
    void flipsAboutHalfTheImagesLeftRight() {
        Set<String> seen = augmentAndExplain(new Augmentation(true, 0), 3, 0);
        assertEquals(Set.of("false 0 0", "true 0 0"), seen, "both the image and its mirror");
    }

    @Test
    void shiftsWithinThePaddingWithZerosComingIn() {
        Set<String> seen = augmentAndExplain(new Augmentation(true, 1), 3, 1);
        assertTrue(seen.size() > 9, "most of the 18 flips and shifts occur in 64 rows: " + seen);
        assertTrue(seen.contains("true -1 1") || seen.contains("false 1 -1") || seen.contains("true 1 1"), seen.toString());
    }

    @Test
    void theSameStepDrawsTheSameAndAnotherStepOthers() {
        Augmentation a = new Augmentation(true, 1);
        INDArray first = batch(), again = batch(), other = batch();
        new BatchAugmenter(a, SHAPE, 7).apply(first, ROWS, 11);
        new BatchAugmenter(a, SHAPE, 7).apply(again, ROWS, 11);
        new BatchAugmenter(a, SHAPE, 7).apply(other, ROWS, 12);
        assertArrayEquals(first.ravel().toFloatVector(), again.ravel().toFloatVector());
        assertFalse(java.util.Arrays.equals(first.ravel().toFloatVector(), other.ravel().toFloatVector()));
    }

    @Test
    void onlyTheGivenRowsChange() {
        INDArray x = batch();
        new BatchAugmenter(new Augmentation(true, 1), SHAPE, 7).apply(x, 10, 0);
        for (int r = 10; r < ROWS; r++) assertArrayEquals(image(), x.getRow(r).toFloatVector(), "row " + r);
    }

    @Test
    void configIsReadCheckedAndWrittenBack() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Augmentation a = Augmentation.fromJson(new ConfigNode(json.readTree("{\"horizontal_flip\": true, \"crop_padding\": 2}"), "data.augment"));
        assertEquals(new Augmentation(true, 2), a);
        assertEquals(a, Augmentation.fromJson(new ConfigNode(a.toJson(), "data.augment")));
        assertEquals(Augmentation.NONE, Augmentation.fromJson(new ConfigNode(null, "data.augment")));
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> Augmentation.fromJson(new ConfigNode(json.readTree("{\"vertical_flip\": true}"), "data.augment")));
        assertTrue(unknown.getMessage().contains("vertical_flip"), unknown.getMessage());
        ConfigException flat = assertThrows(ConfigException.class, () -> a.check(new long[] {784}, "data.augment"));
        assertTrue(flat.getMessage().contains("[channels, height, width]") && flat.getMessage().contains("[784]"), flat.getMessage());
        ConfigException big = assertThrows(ConfigException.class, () -> new Augmentation(false, 4).check(SHAPE, "data.augment"));
        assertTrue(big.getMessage().startsWith("data.augment.crop_padding = 4"), big.getMessage());
        Augmentation.NONE.check(new long[] {784}, "data.augment");   // nothing to apply: any input
    }
}
