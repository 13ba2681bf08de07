package dev.imagine.bot.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepoRefTest {
    @Test
    void parsesRepositoryAndRevision() {
        assertThat(RepoRef.parse("stable-diffusion-v1-5/stable-diffusion-v1-5"))
                .isEqualTo(new RepoRef("stable-diffusion-v1-5/stable-diffusion-v1-5", "main"));
        assertThat(RepoRef.parse(" owner/model@onnx ")).isEqualTo(new RepoRef("owner/model", "onnx"));
        assertThat(RepoRef.parse("owner/model@refs/pr/3").revision()).isEqualTo("refs/pr/3");
        assertThat(RepoRef.parse("owner/model@")).isEqualTo(new RepoRef("owner/model", "main"));
        assertThat(RepoRef.parse("owner/model@onnx")).hasToString("owner/model@onnx");
        assertThat(RepoRef.parse("owner/model")).hasToString("owner/model");
    }

    @Test
    void folderNameFoldsInTheRevision() {
        assertThat(RepoRef.parse("owner/sd-1-5").folderName()).isEqualTo("sd-1-5");
        assertThat(RepoRef.parse("owner/sd-1-5@onnx").folderName()).isEqualTo("sd-1-5-onnx");
        assertThat(RepoRef.parse("owner/sd@refs/pr/3").folderName()).isEqualTo("sd-refs-pr-3");
        assertThat(RepoRef.parse("owner/sd@0123456789abcdef0123456789abcdef01234567").folderName())
                .isEqualTo("sd-0123456789ab");
    }

    @Test
    void rejectsWhatIsNotARepository() {
        for (String bad : new String[] {"", "a/b/c", "../etc", "owner/..", "owner/na me", "-x/y", "owner/model@a b"}) {
            assertThatThrownBy(() -> RepoRef.parse(bad)).as(bad).isInstanceOf(ModelException.class);
        }
        assertThatThrownBy(() -> RepoRef.parse("a/b/c")).hasMessageContaining("expected owner/name");
    }
}
