package io.spindle.core.data.store;

import io.spindle.core.config.ConfigException;
import io.spindle.core.data.DataFormatException;
import io.spindle.core.data.IdxReader;
import io.spindle.core.kernel.Float16Loops;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueCodecTest {
    private static final ByteBuffer ONE = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());

    @Test
    void idxPixelsAreTheFloatsTheNativeDivisionMadeAndNotAMultiplication() {
        ValueCodec codec = IdxReader.pixelCodec(1);
        float[] native255 = Nd4j.create(DataType.FLOAT, 256).assign(Nd4j.linspace(0, 255, 256, DataType.FLOAT)).divi(255).toFloatVector();
        int differFromReciprocal = 0;
        for (int x = 0; x < 256; x++) {
            assertEquals(Float.floatToIntBits(x / 255f), Float.floatToIntBits(codec.decode(x, 0)), "pixel " + x);
            assertEquals(Float.floatToIntBits(native255[x]), Float.floatToIntBits(codec.decode(x, 0)), "the reader's former native divi, pixel " + x);
            if (x / 255f != x * (1 / 255f)) differFromReciprocal++;
        }
        assertTrue(differFromReciprocal > 0, "x * (1/255f) differs for some pixels, so the test can tell the two apart");
    }

    @Test
    void everyStoredUint8PixelRoundTrips() throws DataFormatException {
        ValueCodec codec = IdxReader.pixelCodec(3);
        for (int x = 0; x < 256; x++) {
            codec.encode(x / 255f, 2, 0, ONE, 0);
            assertEquals(x, ONE.get(0) & 0xff);
        }
    }

    @Test
    void aValueUint8CannotHoldNamesFeatureRowAndValue() {
        ValueCodec codec = ValueCodec.of(Encoding.UINT8, 5);
        DataFormatException big = assertThrows(DataFormatException.class, () -> codec.encode(300f, 3, 17, ONE, 0));
        assertTrue(big.getMessage().contains("feature column 3 of row 17 holds 300.0"), big.getMessage());
        assertTrue(big.getMessage().contains("0..255"), big.getMessage());
        DataFormatException frac = assertThrows(DataFormatException.class, () -> codec.encode(2.5f, 0, 4, ONE, 0));
        assertTrue(frac.getMessage().contains("row 4 holds 2.5"), frac.getMessage());
        assertThrows(DataFormatException.class, () -> codec.encode(-1f, 0, 0, ONE, 0));
        assertThrows(DataFormatException.class, () -> codec.encode(Float.NaN, 0, 0, ONE, 0));
    }

    @Test
    void perFeatureScaleAndOffset() throws DataFormatException {
        ValueCodec codec = ValueCodec.uint8(new float[] {2f, 1f}, new float[] {-1f, 0f});
        assertEquals(-1f + 5 / 2f, codec.decode(5, 0));
        assertEquals(5f, codec.decode(5, 1));
        codec.encode(1.5f, 0, 0, ONE, 0);
        assertEquals(5, ONE.get(0));
    }

    @Test
    void halfConversionMatchesNd4jAndRoundTripsEveryHalf() throws DataFormatException {
        for (int h = 0; h < 65536; h++) {
            float f = Float16Loops.toFloat((short) h);
            if (!Float.isNaN(f)) assertEquals((short) h, Float16Loops.fromFloat(f), "half " + Integer.toHexString(h));
        }
        SplittableRandom rng = new SplittableRandom(3);
        float[] values = new float[20000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 10000 ? (float) rng.nextGaussian() * 100 : Float.intBitsToFloat(rng.nextInt(0x33000000, 0x477fe000));
        }
        float[] viaNd4j = Nd4j.createFromArray(values).castTo(DataType.HALF).castTo(DataType.FLOAT).toFloatVector();
        ValueCodec codec = ValueCodec.plain(Encoding.FLOAT16);
        for (int i = 0; i < values.length; i++) {
            codec.encode(values[i], 0, i, ONE, 0);
            assertEquals(Float.floatToIntBits(viaNd4j[i]), Float.floatToIntBits(Float16Loops.toFloat(ONE.getShort(0))), "float " + values[i]);
        }
        assertThrows(DataFormatException.class, () -> codec.encode(70000f, 1, 2, ONE, 0));
    }

    @Test
    void storageChoicesAreValidated() {
        assertEquals(Encoding.UINT8, Encoding.parse("data.storage", "uint8"));
        ConfigException e = assertThrows(ConfigException.class, () -> Encoding.parse("data.storage", "float64"));
        assertTrue(e.getMessage().contains("float32, float16, uint8"), e.getMessage());
    }
}
