package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {
    private static final SyntheticModel LAB = new SyntheticModel(2_500_000, 20, 100.0 / 3, 200.0 / 3, 1.0);

    @Test
    void theIdealBoundIsTheRingsBytesAtLineRate() {
        // N = 8, fp32: 2 * 7/8 * 10 MB = 17.5 MB at 125 MB/s is 140 ms after 100 ms of compute.
        assertEquals(240.0, CostModel.ideal(1).stepMs(8, LAB, LabMode.FP32_SERIAL), 1e-9);
        assertEquals(170.0, CostModel.ideal(1).stepMs(8, LAB, LabMode.BF16_SERIAL), 1e-9);
    }

    @Test
    void theFramedBoundCarriesOnlyTCPsPayload() {
        double line = CostModel.ideal(1).betaMsPerByte();
        assertEquals(8e-6, line, 1e-18);
        assertEquals(8e-6 * 1538 / 1448, CostModel.ideal(1, EthernetFraming.standard()).betaMsPerByte(), 1e-18);
    }

    @Test
    void theFitRecoversTheModelThatMadeTheMeasurements() {
        CostModel truth = new CostModel(0.05, 9e-6, 4e-6);
        List<CostModel.Observation> seen = new ArrayList<>();
        for (int n : new int[] {2, 4, 8}) {
            for (LabMode mode : LabMode.values()) {
                seen.add(new CostModel.Observation(n, mode, truth.stepMs(n, LAB, mode), 0));
            }
        }
        CostModel fitted = CostModel.fit(LAB, seen);
        assertEquals(truth.alphaMs(), fitted.alphaMs(), 1e-6);
        assertEquals(truth.betaMsPerByte(), fitted.betaMsPerByte(), 1e-11);
        assertEquals(truth.gammaMsPerValue(), fitted.gammaMsPerValue(), 1e-11);
        for (CostModel.Observation o : seen) {
            assertEquals(o.stepMs(), fitted.stepMs(o.nodes(), LAB, o.mode()), 1e-6);
        }
    }

    @Test
    void theFitNeverGoesNegative() {
        // Steps that shrink as N grows would need a negative cost; the fit holds that coefficient at zero.
        List<CostModel.Observation> seen = List.of(
                new CostModel.Observation(2, LabMode.FP32_SERIAL, 300, 0),
                new CostModel.Observation(8, LabMode.FP32_SERIAL, 250, 0),
                new CostModel.Observation(2, LabMode.BF16_SERIAL, 200, 0),
                new CostModel.Observation(8, LabMode.BF16_SERIAL, 180, 0));
        CostModel fitted = CostModel.fit(LAB, seen);
        assertEquals(0.0, fitted.alphaMs(), 0.0);
        for (double v : new double[] {fitted.betaMsPerByte(), fitted.gammaMsPerValue()}) {
            assertEquals(true, v >= 0);
        }
    }

    @Test
    void overlapHidesTheReduceScattersBehindBackwardAndTheGathersBehindTheNextForward() {
        SyntheticModel twoBuckets = new SyntheticModel(1 << 20, 2, 10, 20, 2.0);   // 2 layers of 2 MiB, 2 buckets
        assertEquals(2, twoBuckets.buckets().size());
        // At N = 2 a rank sends each bucket once per all-reduce: 5 ms for a bucket (2 MiB of fp32), 2.5 ms per half.
        CostModel perByte = new CostModel(0, 5.0 / (2 << 20), 0);
        // Gathers end at 2.5 and 5 ms; forward (5 ms a layer) waits 2.5 ms for the first and ends at 12.5. Backward
        // releases the last layer's bucket at 22.5 (scattered by 25), the first's at 32.5 (by 35).
        assertEquals(35.0, perByte.stepMs(2, twoBuckets, LabMode.FP32_OVERLAP), 1e-9);
        assertEquals(40.0, perByte.stepMs(2, twoBuckets, LabMode.FP32_SERIAL), 1e-9);
        // When communication is slower than compute, forward waits for each gather (20 ms a half): layer 0 runs from
        // 20 to 25, layer 1 from 40 to 45; the scatters queue from 55 and 75 and end at 95.
        CostModel slow = new CostModel(0, 40.0 / (2 << 20), 0);
        assertEquals(95.0, slow.stepMs(2, twoBuckets, LabMode.FP32_OVERLAP), 1e-9);
    }

    @Test
    void theLastLayersBucketIsGatheredDuringBackwardAfterTheNextReduceScatter() {
        // 3 layers of 2^18 values, a bucket each; forward 2 ms a layer, backward 8. The last layer's bucket lies in the
        // buffer's last third: it is gathered during backward. At N = 2 each half of a bucket takes 3 ms.
        SyntheticModel threeLayers = new SyntheticModel(3 << 18, 3, 6, 24, 1.0);
        assertEquals(3, threeLayers.buckets().size());
        CostModel perByte = new CostModel(0, 3.0 / (1 << 19), 0);
        // From an update at 0: the first layers' gathers end at 3 and 6; layer 0 runs 3-5, layer 1 6-8, layer 2 8-10.
        // Backward releases the buckets at 18, 26 and 34: scatter 18-21; scatter 26-29, then the last layer's gather
        // 29-32; scatter 34-37. Gathered behind forward too, it would hold layer 2 until 9 and the step would take 38.
        assertEquals(37.0, perByte.stepMs(2, threeLayers, LabMode.FP32_OVERLAP), 1e-9);
    }

    @Test
    void theLabsDefaultScenarioCanReachNinetyPercentInBf16() {
        // N = 8, bf16 at line rate: each half moves 7/8 of 5 MB, hidden behind backward (scatter) and forward (gather).
        double step = CostModel.ideal(1).stepMs(8, LAB, LabMode.BF16_OVERLAP);
        assertEquals(true, 100 / step >= 0.90, "ideal bf16-overlap efficiency " + 100 / step);
    }

    @Test
    void aFasterLinkScalesOnlyBeta() {
        CostModel lab = new CostModel(0.01, 8e-6, 1e-6);
        CostModel tenGig = lab.onLink(1, 10);
        assertEquals(8e-7, tenGig.betaMsPerByte(), 1e-18);
        assertEquals(lab.alphaMs(), tenGig.alphaMs());
        assertEquals(lab.gammaMsPerValue(), tenGig.gammaMsPerValue());
    }

    @Test
    void aChunkOfOnePiecePaysItsWireAndItsCpuOneAfterTheOther() {
        // N = 2, a bucket of 2^18 values: a chunk of 2^17 fp32 values (512 KiB) fits one 1 MiB piece. Wire 1 ms,
        // latency 0.1 ms, CPU 0.5 ms (2^17 values, each with half of its 2^-17 ms in this half).
        CostModel model = new CostModel(0.1, 1.0 / (1 << 19), new CpuTerms(1e6 / (1 << 17), 0, 0, 0));
        assertEquals(1.6, model.halfMs(2, 1 << 18, 4), 1e-9);
        // The lab's model (gamma, per bf16 value) is the sum it always was: alpha hops + beta bytes + gamma values.
        CostModel lab = new CostModel(0.05, 9e-6, 4e-6);
        double[] f = CostModel.features(8, 375_000, 2);
        assertEquals(f[0] * 0.05 + f[1] * 9e-6 + f[2] * 4e-6, lab.allReduceMs(8, 375_000, 2), 1e-9);
    }

    @Test
    void piecesOfAChunkAreReducedWhileTheNextOnesTravel() {
        // N = 2, one step; a chunk of 4 MiB of fp32 travels as four 1 MiB pieces, each 1 ms on the wire.
        long values = 2L << 20;   // 2^21 values: chunk 2^20 values = 4 MiB
        CostModel wireBound = new CostModel(0, 1.0 / (1 << 20), new CpuTerms(2 * 0.5e6 / (1 << 18), 0, 0, 0));
        // Each piece 1 ms of wire and 0.5 ms of CPU: the link is never idle, and the last piece's CPU comes after it.
        assertEquals(4.5, wireBound.halfMs(2, values, 4), 1e-9);
        CostModel cpuBound = new CostModel(0, 0.5 / (1 << 20), new CpuTerms(2 * 1e6 / (1 << 18), 0, 0, 0));
        assertEquals(4.5, cpuBound.halfMs(2, values, 4), 1e-9);
        // Three ranks, two steps of two pieces, 1 ms each way: a piece goes on only once this rank has reduced it.
        // Step 0: sent by 1 and 2, reduced by 2 and 3. Step 1: piece 0 leaves at 2 (the link), arrives 3, reduced by 4;
        // piece 1 leaves at 3, arrives 4, reduced by 5.
        CostModel even = new CostModel(0, 1.0 / (1 << 20), new CpuTerms(2 * 1e6 / (1 << 18), 0, 0, 0));
        assertEquals(5.0, even.halfMs(3, 3L << 19, 4), 1e-9);
        // The same with one piece per chunk (pieces as large as the chunk) pays wire + CPU per step: 2 x (2 + 2).
        assertEquals(8.0, even.withPieceBytes(2 << 20).halfMs(3, 3L << 19, 4), 1e-9);
    }

    @Test
    void socketCopiesCostTimeOnlyWhereTheyAreSlowerThanTheLink() {
        CostModel link = new CostModel(0, 1e-6, CpuTerms.NONE);
        assertEquals(link.allReduceMs(4, 1 << 20, 2), link.withCpu(new CpuTerms(0, 0, 0.5, 0)).allReduceMs(4, 1 << 20, 2), 1e-12);
        assertEquals(2 * link.allReduceMs(4, 1 << 20, 2), link.withCpu(new CpuTerms(0, 0, 2, 0)).allReduceMs(4, 1 << 20, 2), 1e-9);
    }

    @Test
    void theFixedCpuIsPaidOnceAStep() {
        CostModel model = new CostModel(0, 9e-6, new CpuTerms(1, 3, 0.1, 0));
        CostModel fixed = model.withCpu(model.cpu().withFixedMsPerStep(2.5));
        for (LabMode mode : LabMode.values()) {
            assertEquals(model.stepMs(8, LAB, mode) + 2.5, fixed.stepMs(8, LAB, mode), 1e-9, mode.label);
        }
    }

    @Test
    void negativeCoefficientsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CostModel(-1, 0, 0));
        assertEquals(true, e.getMessage().contains("alpha"));
    }
}
