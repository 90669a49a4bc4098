package io.spindle.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EthernetFramingTest {

    @Test
    void aStandardFrameCarries1448BytesOfPayloadIn1538OnTheWire() {
        EthernetFraming f = EthernetFraming.standard();
        assertEquals(1448, f.payloadBytes());    // 1500 less IPv4 (20), TCP (20) and its timestamps (12)
        assertEquals(1514, f.countedBytes());    // what HTB charges: from the Ethernet header on
        assertEquals(1538, f.wireBytes());       // and the FCS, preamble with delimiter and inter-frame gap
        assertEquals(1448.0 / 1538, f.payloadShare(), 1e-15);   // 941 Mbit/s of TCP payload on 1 GbE
        assertEquals(1514.0 / 1538, f.htbGbit(1), 1e-15);
    }

    @Test
    void jumboFramesLoseLessToHeaders() {
        EthernetFraming jumbo = new EthernetFraming(EthernetFraming.JUMBO_MTU);
        assertEquals(8948.0 / 9038, jumbo.payloadShare(), 1e-15);
        assertTrue(jumbo.payloadShare() > EthernetFraming.standard().payloadShare());
        assertEquals(10 * 9014.0 / 9038, jumbo.htbGbit(10), 1e-12);
    }

    @Test
    void anMtuOutsideEthernetsIsRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EthernetFraming(100)).getMessage()
                .startsWith("mtu must be in [576, 9216]"));
        assertThrows(IllegalArgumentException.class, () -> new EthernetFraming(65536));
    }
}
