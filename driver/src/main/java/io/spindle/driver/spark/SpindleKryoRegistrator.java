package io.spindle.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import io.spindle.worker.Shard;
import org.apache.spark.serializer.KryoRegistrator;

/** Registers every class Spindle moves through Spark, so no one configures serialization by hand. */
public final class SpindleKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Shard.class);
        kryo.register(WorkerResult.class);
        kryo.register(EvaluationPartial.class);
        kryo.register(float[].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        kryo.register(long[].class);
        kryo.register(long[][].class);
        kryo.register(int[].class);
    }
}
