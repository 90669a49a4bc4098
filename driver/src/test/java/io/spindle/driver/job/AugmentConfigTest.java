package io.spindle.driver.job;

import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.Augmentation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** data.augment is read, written back with the resolved job, and refused before any work where it cannot apply. */
class AugmentConfigTest {
    private static final String IMAGES = "{\"input_shape\": [1, 28, 28], \"layers\": [{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10}]}";
    private static final String FLAT = "{\"input_shape\": [784], \"layers\": [{\"type\": \"dense\", \"units\": 10}]}";

    private static JobConfig job(String augment, String model) {
        return JobConfig.parse("{\"data\": {\"train\": \"train-images-idx3-ubyte.gz\"" + (augment == null ? "" : ", \"augment\": " + augment)
                + "}, \"model\": " + model + ", \"optimizer\": {\"type\": \"adam\"}}", "job", List.of());
    }

    @Test
    void readAndWrittenBack() {
        JobConfig j = job("{\"horizontal_flip\": true, \"crop_padding\": 2}", IMAGES);
        assertEquals(new Augmentation(true, 2), j.data().augment());
        assertEquals(j.data().augment(), DataConfig.fromJson(new ConfigNode(j.toJson().get("data"), "data")).augment());
        assertEquals(Augmentation.NONE, job(null, IMAGES).data().augment());
        assertTrue(!job(null, IMAGES).toJson().get("data").has("augment"), "no augment section when there is none");
    }

    @Test
    void refusedWhereItCannotApply() {
        assertRejected(job -> job("{\"horizontal_flip\": true}", FLAT), "data.augment", "[channels, height, width]", "[784]");
        assertRejected(job -> job("{\"crop_padding\": 28}", IMAGES), "data.augment.crop_padding = 28");
        assertRejected(job -> job("{\"crop_padding\": -1}", IMAGES), "data.augment.crop_padding");
        assertRejected(job -> job("{\"rotate\": 10}", IMAGES), "data.augment", "rotate");
        assertRejected(job -> job("{\"horizontal_flip\": \"yes\"}", IMAGES), "data.augment.horizontal_flip", "true or false");
    }

    private static void assertRejected(java.util.function.Function<Void, JobConfig> parse, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse.apply(null));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected " + f + " in: " + e.getMessage());
    }
}
