/**
 * Element-wise loops over the memory of ND4J arrays, written in Java. libnd4j runs element-wise work as one
 * native op per pass, each with its own Java-side set-up, and some of its transforms (sqrt, exp) are scalar
 * loops; a loop here touches every buffer once, in SIMD through the Vector API when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (Spark 4 starts its JVMs so), and as a plain loop otherwise.
 * Both paths perform the same IEEE operations in the same order per element, so they give the same bits.
 */
package io.spindle.core.kernel;
