package dev.imagine.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How far a bot's stream of updates was handled: per account, only forward, kept across a reopen. */
class ChatIntakeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StorageBackend.class)
    void theHighestHandledUpdateIsKeptPerAccountAndOutlivesAReopen(StorageBackend backend) throws Exception {
        try (StorageBackend.Place place = backend.place(dir)) {
            try (Storage storage = place.open()) {
                ChatIntake intake = storage.intake();
                assertThat(intake.handledThrough("telegram", "42")).isZero();
                intake.handled("telegram", "42", 7);
                intake.handled("telegram", "42", 9);
                intake.handled("telegram", "42", 8);
                intake.handled("telegram", "43", 3);
                assertThat(intake.handledThrough("telegram", "42")).as("a lower id does not move it back")
                        .isEqualTo(9);
                assertThat(intake.handledThrough("telegram", "43")).isEqualTo(3);
                assertThat(intake.handledThrough("discord", "42")).isZero();
            }
            try (Storage storage = place.open()) {
                assertThat(storage.intake().handledThrough("telegram", "42")).isEqualTo(9);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StorageBackend.class)
    void aNegativeIdOrAMissingAccountIsRefused(StorageBackend backend) throws Exception {
        try (StorageBackend.Place place = backend.place(dir); Storage storage = place.open()) {
            assertThatThrownBy(() -> storage.intake().handled("telegram", "42", -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be negative");
            assertThatThrownBy(() -> storage.intake().handledThrough("telegram", null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("account");
        }
    }
}
