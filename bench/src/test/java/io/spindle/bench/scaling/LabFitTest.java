package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabFitTest {
    private static final SyntheticModel LAB = new SyntheticModel(2_500_000, 20, 100.0 / 3, 200.0 / 3, 1.0);

    @Test
    void separatesTheHostsCpuFloorFromTheNetwork() {
        // A lab of 1.5 cores: the steps are the network's or the CPU work's over 1.5 cores, whichever is longer.
        CostModel network = new CostModel(0.02, 9e-6, 6e-6);
        LabFit truth = new LabFit(network, 1.5);
        List<CostModel.Observation> seen = new ArrayList<>();
        for (int n : new int[] {2, 4, 8}) {
            for (LabMode mode : LabMode.values()) {
                double cpu = (mode.wire == io.spindle.worker.collective.WireFormat.FLOAT32 ? 0.01 : 0.03) * Math.log(n);
                seen.add(new CostModel.Observation(n, mode, truth.stepMs(n, LAB, mode, cpu), cpu));
            }
        }
        assertTrue(truth.cpuBound(8, LAB, LabMode.BF16_SERIAL, seen.get(9).cpuSecondsPerStep()), "the test needs a CPU-bound step");
        assertFalse(truth.cpuBound(2, LAB, LabMode.FP32_SERIAL, seen.get(0).cpuSecondsPerStep()), "and a network-bound one");
        LabFit fitted = LabFit.fit(LAB, seen, 1.0);
        assertEquals(1.5, fitted.hostCores(), 0.03);   // the grid's step
        for (CostModel.Observation o : seen) {
            double predicted = fitted.stepMs(o.nodes(), LAB, o.mode(), o.cpuSecondsPerStep());
            assertEquals(o.stepMs(), predicted, 0.02 * o.stepMs(), o.toString());
        }
    }

    @Test
    void theLinkIsNeverCreditedWithMoreThanItsLineRate() {
        // Steps shorter than 1 Gbit/s allows (as if the link were 4 Gbit/s): the fit holds beta at the line rate.
        CostModel tooFast = CostModel.ideal(4);
        List<CostModel.Observation> seen = new ArrayList<>();
        for (int n : new int[] {2, 4, 8}) {
            for (LabMode mode : LabMode.values()) {
                seen.add(new CostModel.Observation(n, mode, tooFast.stepMs(n, LAB, mode), 0.001));
            }
        }
        LabFit fitted = LabFit.fit(LAB, seen, 1.0);
        assertTrue(fitted.network().betaMsPerByte() >= CostModel.ideal(1).betaMsPerByte());
    }

    @Test
    void theCpuSplitsIntoBytesBf16sExtraAndAFixedPart() {
        // 6 ns per wire byte, 4 ns per value bf16 reduces beyond that, 3 ms a step: fp32 and bf16 at N = 2, 4, 8.
        List<CostModel.Observation> seen = new ArrayList<>();
        for (int n : new int[] {2, 4, 8}) {
            for (LabMode mode : LabMode.values()) {
                double[] f = CostModel.stepFeatures(n, LAB, mode.bytesPerValue());
                double ms = f[1] * 6e-6 + f[2] * 4e-6 + 3;
                seen.add(new CostModel.Observation(n, mode, 200, ms / 1e3));
            }
        }
        CpuTerms cpu = LabFit.cpuTerms(seen, LAB);
        assertEquals(6.0, cpu.nsPerByte(), 1e-6);
        assertEquals(4.0, cpu.bfloat16NsPerValue(), 1e-6);
        assertEquals(3.0, cpu.fixedMsPerStep(), 1e-6);
        assertEquals(0.0, cpu.float32NsPerValue(), 0.0);
        // CPU that falls as N grows would need a negative part; the fit holds it at zero instead.
        List<CostModel.Observation> falling = List.of(
                new CostModel.Observation(2, LabMode.FP32_SERIAL, 200, 0.05),
                new CostModel.Observation(8, LabMode.FP32_SERIAL, 200, 0.02));
        CpuTerms clamped = LabFit.cpuTerms(falling, LAB);
        assertEquals(0.0, clamped.nsPerByte(), 0.0);
    }
}
