package dev.imagine.bot.dispatch;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Where the rate limits' token buckets (Bucket4j, counted in images) live: in this process
 * ({@link #inProcess(Ticker)}, for one machine on the H2 file) or in a store that every frontend of a cluster shares
 * (PostgreSQL, implemented by the service over storage), so one user's budget holds whichever frontend they reach.
 * The dispatcher builds each bucket's configuration and key; a key names one user under one limit, so a changed
 * limit starts a new bucket. The dispatcher calls a store under its lock, so a shared store's round trip to the
 * database (one row locked and updated per take) delays other submissions by as much. Implementations are
 * thread-safe.
 */
public interface BucketStore {

    /**
     * Buckets in a Caffeine cache of this process that forgets users idle for a day, timed by {@code ticker}
     * (monotonic nanoseconds, {@link Ticker#systemTicker()} in production).
     */
    static BucketStore inProcess(Ticker ticker) {
        return new LocalBuckets(ticker);
    }

    /**
     * Takes {@code tokens} from the bucket under {@code key}, creating it full with {@code configuration} when there
     * is none.
     *
     * @return whether they were taken, and otherwise how long until enough are back
     * @throws RuntimeException when a shared store cannot be reached; the dispatcher then refuses the job
     */
    ConsumptionProbe tryConsume(String key, BucketConfiguration configuration, int tokens);

    /** Puts back tokens taken for a job that was then not accepted (never above the bucket's capacity). */
    void giveBack(String key, BucketConfiguration configuration, int tokens);
}
