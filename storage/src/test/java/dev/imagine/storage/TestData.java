package dev.imagine.storage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;

/** Small builders shared by the storage tests. */
final class TestData {
    static final ModelRef MODEL = new ModelRef("tiny", "f00dcafe", "/models/tiny");

    private TestData() {
    }

    /** Bytes that start with the PNG signature and differ for every seed; storage never decodes them. */
    static byte[] png(long seed) {
        byte[] data = new byte[64 + (int) (seed % 50)];
        new Random(seed).nextBytes(data);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        System.arraycopy(signature, 0, data, 0, signature.length);
        return data;
    }

    static byte[] jpeg(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[body.length + 3];
        data[0] = (byte) 0xFF;
        data[1] = (byte) 0xD8;
        data[2] = (byte) 0xFF;
        System.arraycopy(body, 0, data, 3, body.length);
        return data;
    }

    static NewGeneration txt2img(long userId, String prompt) {
        return new NewGeneration(userId, GenerationKind.TXT2IMG, null, MODEL,
                GenerationParameters.of("prompt", prompt), null);
    }

    static GenerationParameters resolved(String prompt, long seed, int count) {
        return GenerationParameters.of("prompt", prompt, "seed", seed, "sampler", "euler", "steps", 20,
                "guidance", 7.5, "width", 512, "height", 512, "count", count);
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
