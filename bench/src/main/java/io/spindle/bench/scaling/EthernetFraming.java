package io.spindle.bench.scaling;

/**
 * What a full-sized TCP segment over IPv4 costs on an Ethernet link of one MTU. A port's line rate counts every bit it
 * serialises: the IP packet, the Ethernet header and FCS around it, and the preamble, start delimiter and inter-frame
 * gap between frames. TCP's payload is the MTU less the IP and TCP headers, with the timestamp option Linux sends by
 * default. HTB, for its part, charges a packet from its Ethernet header to its payload's end (the skb's length), so a
 * class shaped to the line rate would carry more than the port can.
 *
 * @param mtu the IP packet's largest size: 1500 is Ethernet's own, 9000 the usual jumbo frame
 */
public record EthernetFraming(int mtu) {
    /** IPv4 (20), TCP (20) and its timestamp option (12). */
    static final int IP_TCP_HEADER_BYTES = 52;
    /** What HTB counts beyond the IP packet: the Ethernet header. */
    static final int COUNTED_EXTRA_BYTES = 14;
    /** What the wire takes beyond the IP packet: the header (14), FCS (4), preamble and start delimiter (8), gap (12). */
    static final int WIRE_EXTRA_BYTES = 38;
    public static final int STANDARD_MTU = 1500, JUMBO_MTU = 9000;
    static final int MIN_MTU = 576, MAX_MTU = 9216;

    public EthernetFraming {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu must be in [" + MIN_MTU + ", " + MAX_MTU + "], got " + mtu);
        }
    }

    public static EthernetFraming standard() {
        return new EthernetFraming(STANDARD_MTU);
    }

    public int payloadBytes() {
        return mtu - IP_TCP_HEADER_BYTES;
    }

    public int wireBytes() {
        return mtu + WIRE_EXTRA_BYTES;
    }

    /** A full frame as HTB charges it. */
    public int countedBytes() {
        return mtu + COUNTED_EXTRA_BYTES;
    }

    /** The share of the line rate TCP's payload gets in full-sized segments. */
    public double payloadShare() {
        return payloadBytes() / (double) wireBytes();
    }

    /** The HTB rate that charges a full-sized frame the time the port takes to serialise it at {@code lineGbit}. */
    public double htbGbit(double lineGbit) {
        return lineGbit * countedBytes() / wireBytes();
    }
}
