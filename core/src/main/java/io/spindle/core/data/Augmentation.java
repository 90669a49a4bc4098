package io.spindle.core.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;

import java.util.Arrays;

/**
 * Random changes to each training image as its batch is gathered (Keras' {@code RandomFlip("horizontal")} and a
 * random crop of the image padded by {@code crop_padding} zero pixels on every side, i.e. a shift by up to that
 * many pixels); evaluation and prediction see the images as they are. {@link #NONE} changes nothing.
 */
public record Augmentation(boolean horizontalFlip, int cropPadding) {
    public static final Augmentation NONE = new Augmentation(false, 0);
    private static final int MAX_PADDING = 64;

    public Augmentation {
        if (cropPadding < 0 || cropPadding > MAX_PADDING) {
            throw new ConfigException("data.augment.crop_padding", cropPadding, "an integer in [0, " + MAX_PADDING + "]: pixels of zeros around the image");
        }
    }

    /** Reads {@code {"horizontal_flip": true, "crop_padding": 2}}; an absent section is {@link #NONE}. */
    public static Augmentation fromJson(ConfigNode c) {
        if (c.json() == null || c.json().isNull()) return NONE;
        c.rejectUnknown("horizontal_flip", "crop_padding");
        return new Augmentation(c.bool("horizontal_flip", false), c.integer("crop_padding", 0, 0, MAX_PADDING));
    }

    public boolean isNone() {
        return !horizontalFlip && cropPadding == 0;
    }

    /** The images it applies to must be [channels, height, width], larger than the padding; {@code field} is named in errors. */
    public void check(long[] sampleShape, String field) {
        if (isNone()) return;
        if (sampleShape.length != 3) {
            throw new ConfigException(field, "applies to images, a model input of shape [channels, height, width]; this model's input is "
                    + Arrays.toString(sampleShape));
        }
        if (cropPadding >= Math.min(sampleShape[1], sampleShape[2])) {
            throw new ConfigException(field + ".crop_padding", cropPadding, "fewer pixels than the image's height and width " + Arrays.toString(sampleShape));
        }
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("horizontal_flip", horizontalFlip).put("crop_padding", cropPadding);
    }
}
