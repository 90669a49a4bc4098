package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkLabTest {

    @Test
    void theShaperChargesAFullFrameThePortsTimeAndItsBurstIsTimeAtTheRate() {
        LabConfig standard = LabConfig.parse(List.of("--burst-us", "0"));
        assertEquals(List.of("rate", "984395319bit", "ceil", "984395319bit"), NetworkLab.shaping(standard));
        LabConfig burst = LabConfig.parse(List.of("--burst-us", "100")).dilatedBy(4);
        // 246,098,830 bit/s for 100 us is 3,076 bytes.
        assertEquals(List.of("rate", "246098830bit", "ceil", "246098830bit", "burst", "3076b", "cburst", "3076b"),
                NetworkLab.shaping(burst));
        // Never less than one frame: a burst smaller than a frame would stall the class.
        LabConfig tiny = LabConfig.parse(List.of("--burst-us", "1", "--mtu", "9000"));
        assertEquals("9014b", NetworkLab.shaping(tiny).get(5));
    }
}
