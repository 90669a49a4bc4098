package io.spindle.core.train;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.core.config.ConfigException;
import io.spindle.core.config.ConfigNode;
import io.spindle.core.data.VirtualShards;

/**
 * How to train: epochs, global batch size, the seed of the data order and of every random draw,
 * whether to shuffle each epoch, optional early stopping (null when off), how many virtual shards the
 * data order deals from ({@link GlobalOrder}; every worker count must divide it), and in blocks of how many
 * neighbouring rows each shard is shuffled (1: row by row).
 */
public record TrainingConfig(int epochs, int batchSize, long seed, boolean shuffle, EarlyStopping earlyStopping, int virtualShards,
                             int shuffleBlock) {
    /** The most virtual shards: each is shuffled on its own, and every one takes part in every epoch. */
    public static final int MAX_VIRTUAL_SHARDS = 1 << 16;
    /** The largest shuffle block, in rows. */
    public static final int MAX_SHUFFLE_BLOCK = 1 << 20;

    public TrainingConfig {
        if (epochs < 1) throw new ConfigException("training.epochs", epochs, "an integer >= 1");
        if (batchSize < 1) throw new ConfigException("training.batch_size", batchSize, "an integer >= 1");
        if (virtualShards < 1 || virtualShards > MAX_VIRTUAL_SHARDS) {
            throw new ConfigException("training.virtual_shards", virtualShards, "an integer in [1, " + MAX_VIRTUAL_SHARDS + "]");
        }
        if (shuffleBlock < 1 || shuffleBlock > MAX_SHUFFLE_BLOCK) {
            throw new ConfigException("training.shuffle_block", shuffleBlock, "an integer in [1, " + MAX_SHUFFLE_BLOCK + "]");
        }
    }

    /** With the default count of virtual shards. */
    public TrainingConfig(int epochs, int batchSize, long seed, boolean shuffle, EarlyStopping earlyStopping) {
        this(epochs, batchSize, seed, shuffle, earlyStopping, VirtualShards.DEFAULT_COUNT);
    }

    /** Shuffled row by row. */
    public TrainingConfig(int epochs, int batchSize, long seed, boolean shuffle, EarlyStopping earlyStopping, int virtualShards) {
        this(epochs, batchSize, seed, shuffle, earlyStopping, virtualShards, 1);
    }

    public static TrainingConfig of(int epochs, int batchSize, long seed) {
        return new TrainingConfig(epochs, batchSize, seed, true, null);
    }

    public TrainingConfig withEarlyStopping(EarlyStopping es) {
        return new TrainingConfig(epochs, batchSize, seed, shuffle, es, virtualShards, shuffleBlock);
    }

    /** Reads the {@code training} section; {@code extraFields} are fields other modules own (e.g. workers). */
    public static TrainingConfig fromJson(ConfigNode c, String... extraFields) {
        String[] known = {"epochs", "batch_size", "seed", "shuffle", "early_stopping", "virtual_shards", "shuffle_block"};
        String[] all = new String[known.length + extraFields.length];
        System.arraycopy(known, 0, all, 0, known.length);
        System.arraycopy(extraFields, 0, all, known.length, extraFields.length);
        c.rejectUnknown(all);
        return new TrainingConfig(c.integer("epochs", 1, 1, 1_000_000), c.integer("batch_size", 32, 1, 1 << 24),
                c.longValue("seed", 42), c.bool("shuffle", true),
                c.has("early_stopping") ? EarlyStopping.fromJson(c.object("early_stopping")) : null,
                c.integer("virtual_shards", VirtualShards.DEFAULT_COUNT, 1, MAX_VIRTUAL_SHARDS),
                c.integer("shuffle_block", 1, 1, MAX_SHUFFLE_BLOCK));
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("epochs", epochs).put("batch_size", batchSize)
                .put("seed", seed).put("shuffle", shuffle).put("virtual_shards", virtualShards)
                .put("shuffle_block", shuffleBlock);
        if (earlyStopping != null) n.set("early_stopping", earlyStopping.toJson());
        return n;
    }
}
