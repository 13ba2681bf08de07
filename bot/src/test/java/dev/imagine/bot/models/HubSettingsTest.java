package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    private static final String SECRET = "hf_abcdefSecretValue";

    @Test
    void endpointComesFromTheOptionThenHfEndpointThenThePublicHub() {
        Environment mirror = Environment.of(Map.of("HF_ENDPOINT", "https://hf-mirror.example/"));

        assertThat(HubSettings.resolve(Environment.of(Map.of()), null, null).endpoint())
                .isEqualTo(URI.create("https://huggingface.co"));
        assertThat(HubSettings.resolve(mirror, null, null).endpoint()).isEqualTo(URI.create("https://hf-mirror.example"));
        assertThat(HubSettings.resolve(mirror, "http://10.0.0.5:8080/hf//", null).endpoint())
                .isEqualTo(URI.create("http://10.0.0.5:8080/hf"));
        assertThat(HubSettings.resolve(mirror, null, null).modelPage("o/m")).isEqualTo("https://hf-mirror.example/o/m");
    }

    @Test
    void tokenComesFromTheOptionThenHfTokenThenTheOlderName() {
        assertThat(HubSettings.resolve(Environment.of(Map.of()), null, null).token()).isEmpty();
        assertThat(HubSettings.resolve(Environment.of(Map.of("HF_TOKEN", " " + SECRET + "\n")), null, null).token()
                .orElseThrow().authorizationHeader()).isEqualTo("Bearer " + SECRET);
        assertThat(HubSettings.resolve(Environment.of(Map.of("HUGGING_FACE_HUB_TOKEN", SECRET)), null, null).token())
                .isPresent();
        HfToken option = HfToken.of("hf_option");
        assertThat(HubSettings.resolve(Environment.of(Map.of("HF_TOKEN", SECRET)), null, option).token()).contains(option);
    }

    @Test
    void theTokenIsMaskedEverywhere() {
        HubSettings settings = HubSettings.resolve(Environment.of(Map.of("HF_TOKEN", SECRET)), null, null);

        assertThat(settings.toString()).doesNotContain(SECRET).contains("HfToken[hidden]");
        assertThat(HfToken.of(SECRET)).hasToString("HfToken[hidden]");
        assertThatThrownBy(() -> HfToken.of("hf_abc def")).hasMessageNotContaining("hf_abc");
        assertThatThrownBy(() -> HfToken.of("  ")).hasMessage("the Hugging Face token is empty");
    }

    @Test
    void badEndpointsAreExplainedWithoutEchoingCredentials() {
        assertThatThrownBy(() -> HubSettings.resolve(Environment.of(Map.of("HF_ENDPOINT", "ftp://mirror")), null, null))
                .isInstanceOf(ModelException.class).hasMessageContaining("is not an http(s) URL");
        assertThatThrownBy(() -> HubSettings.resolve(Environment.of(Map.of()), "https://user:pw123@mirror.example", null))
                .hasMessageContaining("without credentials").hasMessageNotContaining("pw123");
        assertThatThrownBy(() -> HubSettings.resolve(Environment.of(Map.of("HF_ENDPOINT", "http://a b")), null, null))
                .hasMessageContaining("(from HF_ENDPOINT)");
    }

    @Test
    void onlyTheEndpointsOriginGetsTheToken() {
        HubSettings settings = new HubSettings(URI.create("https://huggingface.co"), java.util.Optional.empty());

        assertThat(settings.sameOrigin(URI.create("https://huggingface.co:443/o/m/resolve/main/x"))).isTrue();
        assertThat(settings.sameOrigin(URI.create("https://HuggingFace.co/api"))).isTrue();
        assertThat(settings.sameOrigin(URI.create("https://cdn-lfs.huggingface.co/x"))).isFalse();
        assertThat(settings.sameOrigin(URI.create("http://huggingface.co/x"))).isFalse();
        assertThat(settings.sameOrigin(URI.create("https://huggingface.co:8443/x"))).isFalse();
    }
}
