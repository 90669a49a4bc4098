package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabConfigTest {

    private static String rejection(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> LabConfig.parse(List.of(args))).getMessage();
    }

    @Test
    void nonsenseIsRejectedNamingTheParameter() {
        assertTrue(rejection("--nodes", "1").startsWith("nodes must each be in [2, 64]"), rejection("--nodes", "1"));
        assertTrue(rejection("--link-gbit", "0").startsWith("link-gbit must be in (0, 400]"));
        assertTrue(rejection("--link-gbit", "-3").startsWith("link-gbit"));
        assertTrue(rejection("--compute-ms", "0").startsWith("compute-ms"));
        assertTrue(rejection("--forward-share", "1").startsWith("forward-share must be in (0, 1)"));
        assertTrue(rejection("--bucket-mib", "0").startsWith("bucket-mib"));
        assertTrue(rejection("--bucket-mib", "11").startsWith("bucket-mib must be in (0, the model's fp32 size = 9.54]"));
        assertTrue(rejection("--parameters", "10").startsWith("parameters"));
        assertTrue(rejection("--steps", "0").startsWith("steps"));
        assertTrue(rejection("--modes", "fp64-serial").contains("bf16-overlap"));
        assertTrue(rejection("--link-gbit", "fast").startsWith("link-gbit must be a number"));
        assertTrue(rejection("--bogus", "1").startsWith("unknown option --bogus"));
        assertTrue(rejection("--steps").startsWith("--steps needs a value"));
        assertTrue(rejection("--dilation", "0.5").startsWith("dilation must be in [1, 64] or auto"));
        assertTrue(rejection("--dilation", "slow").startsWith("dilation must be a number"));
        assertTrue(rejection("--slots", "0").startsWith("slots must be in [1, 32]"));
        assertTrue(rejection("--nodes", "4,6", "--slots", "4").startsWith("nodes must each be a multiple of slots (4) with at least 2 hosts, got 4"));
        assertEquals(4, LabConfig.parse(List.of("--nodes", "8", "--slots", "2")).hostsFor(8));
        assertTrue(rejection("--piece-kib", "0").startsWith("piece-kib must be in [1, 16384]"));
        assertEquals(64 << 10, LabConfig.parse(List.of("--piece-kib", "64")).pieceBytes());
        assertTrue(rejection("--mtu", "100").startsWith("mtu must be in [576, 9216], got 100"));
        assertEquals(9000, LabConfig.parse(List.of("--mtu", "9000")).framing().mtu());
        assertTrue(rejection("--burst-us", "-1").startsWith("burst-us must be in [0, 10000], got -1"));
    }

    @Test
    void autoDilationGivesEachWorkerACoreAndStretchesLinksAndComputeAlike() {
        LabConfig auto = LabConfig.parse(List.of());
        assertEquals(4, auto.dilationFor(8, 2));
        assertEquals(1, auto.dilationFor(2, 16), "a host with a core per worker runs in real time");
        assertEquals(3, LabConfig.parse(List.of("--dilation", "3")).dilationFor(8, 2));
        LabConfig run = auto.dilatedBy(4);
        assertEquals(400, run.computeMs(), 1e-9);
        assertEquals(0.25, run.linkGbit(), 1e-12);
        assertEquals(auto.parameters(), run.parameters());
        assertEquals(1, run.dilationFor(8, 2), "what the workers get is already dilated");
    }

    @Test
    void defaultsAreTheIssuesScenario() {
        LabConfig c = LabConfig.parse(List.of());
        assertEquals(List.of(2, 4, 8), c.nodes());
        assertEquals(2_500_000, c.parameters());
        assertEquals(100, c.computeMs());
        assertEquals(100.0 / 3, c.forwardMs(), 1e-9);
        assertEquals(1.0, c.linkGbit());
        assertEquals(List.of(LabMode.values()), c.modes());
        assertEquals(CostModel.RING_PIECE_BYTES, c.pieceBytes(), "the ring's own pieces");
        assertEquals(EthernetFraming.STANDARD_MTU, c.mtu(), "Ethernet's own frames");
    }

    @Test
    void quickMeasuresFourAndEightWithFewerStepsUnlessTold() {
        LabConfig quick = LabConfig.parse(List.of("--quick"));
        assertEquals(List.of(4, 8), quick.nodes());
        assertEquals(LabConfig.QUICK_STEPS, quick.steps());
        assertEquals(30, LabConfig.parse(List.of("--steps", "30", "--quick")).steps());
    }

    @Test
    void theArgumentsAWorkerGetsParseBackToTheSameConfig() {
        LabConfig c = LabConfig.parse(List.of("--nodes", "4,8", "--modes", "bf16-overlap,fp32-serial",
                "--parameters", "1000000", "--compute-ms", "80", "--link-gbit", "2.5", "--bucket-mib", "2", "--slots", "2", "--piece-kib", "64",
                "--mtu", "9000", "--burst-us", "250"));
        assertEquals(c, LabConfig.parse(c.toArgs()));
        assertEquals(c.dilatedBy(2.5), LabConfig.parse(c.dilatedBy(2.5).toArgs()));
    }
}
