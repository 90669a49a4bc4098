/**
 * Collective operations over one flat float32 buffer per rank: {@link io.spindle.worker.collective.Collective}
 * with three transports, {@link io.spindle.worker.collective.RingAllReduce} (the default, rank to rank over
 * TCP), {@link io.spindle.worker.collective.CoordinatorAllReduce} with its
 * {@link io.spindle.worker.collective.CoordinatorServer} (a star through the driver) and
 * {@link io.spindle.worker.collective.InJvmCollective} (threads). Nothing here knows about Spark: ranks
 * exchange "host:port" strings however they like (in Spark, through {@code BarrierTaskContext.allGather}).
 *
 * <h2>Wire protocol (version 1)</h2>
 * <ol>
 *   <li><b>Handshake</b>, on every connection. The caller sends 52 bytes, big-endian:
 *       magic (8 ASCII bytes: {@code SPNDLRNG} for the ring, {@code SPNDLCRD} for the coordinator),
 *       version (i32 = 1), the job's 32-byte secret, its rank (i32) and the world size (i32). The callee
 *       compares the secret in constant time and checks every field, including that the rank is one it
 *       expects (the ring admits only rank-1) and not yet connected; it then replies with 16 bytes
 *       (magic, version, its own rank or -1 for the coordinator). Anything else, or nothing within the
 *       handshake timeout, is dropped; handshakes run concurrently so strangers cannot delay real peers.</li>
 *   <li><b>Frames</b>: an 8-byte header {type:u8, 0:u24, payloadLength:i32 big-endian} and the payload.
 *       Types: 1 operation header (20 bytes: op, wire format, sequence number, value count, root), 2 data
 *       (raw little-endian values; empty = a "done" token), 3 keep-alive (empty), 4 abort (UTF-8 reason).</li>
 *   <li><b>Operations</b>: each starts with every rank sending its operation header, and a rank that
 *       receives a different one (another call, length, root or wire format) fails naming both. The
 *       receiver always knows the exact length of the next data frame from the shared partition of the
 *       buffer into chunks and pieces of {@code chunkBytes}.</li>
 * </ol>
 *
 * <h2>Failures</h2>
 * Every read and write gives up after {@code timeoutMillis} without progress. A rank that fails sends an
 * abort frame with the first failure's description to the rank it sends to, which fails too and passes it
 * on, so every rank's exception names the culprit, e.g. "rank 2 (10.0.0.7:40123) aborted the all-reduce:
 * rank 1 (10.0.0.6:38811) closed the connection during all-reduce". While waiting on someone else a rank
 * sends keep-alives, so only the rank next to a silent one times out on it. A collective that failed stays
 * failed; {@code close()} releases its threads and sockets promptly.
 */
package io.spindle.worker.collective;
