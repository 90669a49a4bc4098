package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuTermsTest {

    @Test
    void eachPartIsValidated() {
        for (double bad : new double[] {-1e-9, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuTerms(0, 0, bad, 0));
            assertTrue(e.getMessage().contains("nsPerByte"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new CpuTerms(bad, 0, 0, 0));
            assertTrue(e.getMessage().contains("float32NsPerValue"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new CpuTerms(0, bad, 0, 0));
            assertTrue(e.getMessage().contains("bfloat16NsPerValue"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new CpuTerms(0, 0, 0, bad));
            assertTrue(e.getMessage().contains("fixedMsPerStep"), e.getMessage());
        }
    }

    @Test
    void theValuesPartDependsOnTheWireFormatAndTheBytesPartDoesNot() {
        CpuTerms cpu = new CpuTerms(0.5, 2, 0.25, 3);
        // 1e6 values and 4e6 bytes: 0.5 ms + 1 ms in float32, 2 ms + 1 ms in bfloat16; the fixed part is not in it.
        assertEquals(1.5, cpu.ms(1e6, 4e6, 4), 1e-12);
        assertEquals(3.0, cpu.ms(1e6, 4e6, 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> cpu.nsPerValue(1));
        assertEquals(7.0, cpu.withFixedMsPerStep(7).fixedMsPerStep());
        assertEquals(cpu.bfloat16NsPerValue(), cpu.withFixedMsPerStep(7).bfloat16NsPerValue());
    }

    @Test
    void kernelRatesBecomeTheCpuOfAValueReduced() {
        KernelRates rates = new KernelRates(1, 2, 3, 4, 5);
        CpuTerms cpu = rates.cpuTerms();
        assertEquals(1.0, cpu.float32NsPerValue());
        // bf16: the add that encodes (2) in the reduce-scatter, the decode (4) in the gather, the update's fp32 add (1).
        assertEquals(7.0, cpu.bfloat16NsPerValue());
        assertEquals(10.0, cpu.nsPerByte());   // a byte is copied by its sender and by its receiver
        assertEquals(0.0, cpu.fixedMsPerStep());
    }

    @Test
    void kernelRatesAreMeasuredFinite() {
        KernelRates.Timed timed = KernelRates.measure(20_000, 3_000, 3);
        KernelRates best = timed.best(), median = timed.median();
        double[] b = {best.float32AddNs(), best.bfloat16AddEncodeNs(), best.bfloat16EncodeNs(), best.bfloat16DecodeNs(), best.copyNsPerByte()};
        double[] m = {median.float32AddNs(), median.bfloat16AddEncodeNs(), median.bfloat16EncodeNs(), median.bfloat16DecodeNs(),
                median.copyNsPerByte()};
        for (int k = 0; k < b.length; k++) {
            assertTrue(b[k] >= 0 && b[k] <= m[k] && m[k] < 1e4, "kernel " + k + ": best " + b[k] + ", median " + m[k]);
        }
        assertThrows(IllegalArgumentException.class, () -> KernelRates.measure(100, 200, 3));
        assertThrows(IllegalArgumentException.class, () -> new KernelRates(1, -1, 1, 1, 1));
    }
}
