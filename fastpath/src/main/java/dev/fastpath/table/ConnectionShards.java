package dev.fastpath.table;

import java.util.List;

/**
 * The stack's connections as one view over its shards: each worker owns one {@link ConnectionTable}
 * (the only thread that writes it); which worker a flow lands on is decided before the stack sees it
 * (AF_PACKET fanout hash, NIC RSS queue). Other threads find a connection here without locks by
 * asking every shard with {@link ConnectionTable#getConcurrent}; with one shard per core that is a
 * handful of probes, and never on the packet path.
 */
public final class ConnectionShards {
    private final ConnectionTable[] shards;

    /** @param shards the workers' tables, in worker order */
    public ConnectionShards(List<ConnectionTable> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("at least one shard");
        }
        this.shards = shards.toArray(new ConnectionTable[0]);
    }

    /** @return how many shards */
    public int count() {
        return shards.length;
    }

    /**
     * @param i a worker index
     * @return its table
     */
    public ConnectionTable shard(int i) {
        return shards[i];
    }

    /**
     * Looks a 4-tuple up in every shard, from any thread.
     *
     * @param a packed addresses ({@link ConnectionTable#addresses})
     * @param p packed ports ({@link ConnectionTable#ports})
     * @return {@code shard << 32 | value}, or −1 when no shard has it
     */
    public long find(long a, int p) {
        for (int s = 0; s < shards.length; s++) {
            int v = shards[s].getConcurrent(a, p);
            if (v != ConnectionTable.MISSING) {
                return (long) s << 32 | v;
            }
        }
        return -1;
    }

    /** @return entries across all shards (a racy sum: each shard's count is exact at some moment) */
    public int size() {
        int n = 0;
        for (ConnectionTable t : shards) {
            n += t.sizeConcurrent();
        }
        return n;
    }
}
