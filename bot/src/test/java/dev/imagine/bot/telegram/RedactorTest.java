package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The token never survives into a log line, however an error quotes it. */
class RedactorTest {
    private final Redactor redactor = new Redactor(FakeBotApi.TOKEN);

    @Test
    void masksTheTokenAsWrittenAndAsUrlEncoded() {
        String encoded = FakeBotApi.TOKEN.replace(":", "%3A");

        assertThat(redactor.redact("POST https://api.telegram.org/bot" + FakeBotApi.TOKEN + "/sendPhoto and "
                + encoded)).isEqualTo("POST https://api.telegram.org/bot<token>/sendPhoto and <token>");
    }

    @Test
    void masksAnythingShapedLikeABotToken() {
        assertThat(redactor.redact("/file/bot123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ms/photos/1.jpg"))
                .isEqualTo("/file/bot<token>/photos/1.jpg");
        assertThat(redactor.redact("job 12345: 40% done")).isEqualTo("job 12345: 40% done");
    }

    @Test
    void describesAFailureAndItsCausesWithoutTheToken() {
        Exception failure = new IllegalStateException("Unable to execute sendPhoto method",
                new IOException("unexpected end of stream on http://127.0.0.1:1/bot" + FakeBotApi.TOKEN + "/x"));

        assertThat(redactor.describe(failure)).isEqualTo("IllegalStateException: Unable to execute sendPhoto method"
                + " <- IOException: unexpected end of stream on http://127.0.0.1:1/bot<token>/x");
    }
}
