package dev.imagine.bot.models;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pulls a response body one chunk at a time and gives up when no data arrives for the stall timeout; the JDK's
 * input-stream body would block for ever on a connection that goes silent. The reader owns its subscription:
 * {@link #close()} cancels it, which releases the connection.
 */
final class BodyReader implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration stallTimeout;
    private volatile Flow.Subscription subscription;
    private boolean finished;

    BodyReader(Flow.Publisher<List<ByteBuffer>> body, Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
        body.subscribe(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        subscription = newSubscription;
        newSubscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * The next chunk of the body, or {@code null} at its end.
     *
     * @throws TransientException when the connection broke or stayed silent for the stall timeout
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next() throws TransientException, InterruptedException {
        if (finished) {
            return null;
        }
        Object item = queue.poll(stallTimeout.toNanos(), TimeUnit.NANOSECONDS);
        if (item == null) {
            close();
            throw new TransientException("no data arrived for " + describe(stallTimeout));
        }
        if (item == END) {
            finished = true;
            return null;
        }
        if (item instanceof Throwable failure) {
            finished = true;
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            throw new TransientException("the connection broke (" + message + ")");
        }
        subscription.request(1);
        return (List<ByteBuffer>) item;
    }

    @Override
    public void close() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
