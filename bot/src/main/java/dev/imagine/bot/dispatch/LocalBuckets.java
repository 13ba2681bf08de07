package dev.imagine.bot.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;

/**
 * Token buckets of one process, kept in a Caffeine cache that forgets users idle for a day (their bucket is, for
 * the default limits, long full again). Both read the injected monotonic ticker, which is what Caffeine's
 * {@link Ticker} and a non-wall-clock {@link TimeMeter} expect.
 */
final class LocalBuckets implements BucketStore {
    private final TimeMeter meter;
    private final Cache<String, Bucket> buckets;

    LocalBuckets(Ticker ticker) {
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.buckets = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterAccess(Duration.ofHours(24))
                .maximumSize(100_000)
                .build();
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration, int tokens) {
        Bucket bucket = buckets.get(key, k -> {
            LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(meter);
            for (Bandwidth limit : configuration.getBandwidths()) {
                builder.addLimit(limit);
            }
            return builder.build();
        });
        return bucket.tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void giveBack(String key, BucketConfiguration configuration, int tokens) {
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket != null) {
            bucket.addTokens(tokens);
        }
    }
}
