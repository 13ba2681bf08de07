package dev.imagine.bot.service;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.imagine.bot.dispatch.BucketStore;
import dev.imagine.storage.ClusterBuckets;
import dev.imagine.storage.Storage;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Chooses where the rate limits' buckets live: in PostgreSQL, shared by every frontend of the cluster, when storage
 * is on a server; in this process otherwise (the H2 file serves one process).
 */
public final class RateBuckets {
    private RateBuckets() {
    }

    /**
     * The store for {@code storage}: its {@link Storage#sharedBuckets()} when present (timed by the storage's clock,
     * which the nodes share), else {@link BucketStore#inProcess(Ticker)} timed by {@code ticker}.
     */
    public static BucketStore forStorage(Storage storage, Ticker ticker) {
        return storage.sharedBuckets().<BucketStore>map(Shared::new).orElseGet(() -> BucketStore.inProcess(ticker));
    }

    /** The cluster's buckets in storage; its failures carry a sentence for the log. */
    private record Shared(ClusterBuckets buckets) implements BucketStore {
        @Override
        public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration, int tokens) {
            return buckets.tryConsume(key, configuration, tokens);
        }

        @Override
        public void giveBack(String key, BucketConfiguration configuration, int tokens) {
            buckets.addTokens(key, configuration, tokens);
        }
    }
}
