package dev.imagine.bot.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Messages;
import dev.imagine.bot.fake.ExpectedLog;
import dev.imagine.bot.fake.FakeClock;
import dev.imagine.bot.service.RateBuckets;
import dev.imagine.config.RateLimit;
import dev.imagine.engine.GenerationRequest;
import dev.imagine.storage.DatabaseServer;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits that hold cluster-wide: two {@link Admission}s, each on its own storage and pool as two frontends would
 * be, share each user's token bucket in PostgreSQL (skipped with one line where none answers at
 * {@code IMAGINE_TEST_POSTGRES_URL}), in a schema of this class's own. Time is the storages' fake clock.
 */
class ClusterRateLimitTest {
    private static final String URL = System.getenv().getOrDefault("IMAGINE_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String SCHEMA = "imagine_rates_test_" + ProcessHandle.current().pid();
    private static final Requester ALICE = new Requester("test", "alice", "Alice");
    private static final Requester BOB = new Requester("test", "bob", "Bob");
    private static final Requester CAROL = new Requester("test", "carol", "Carol");
    private static final Requester PATRON = new Requester("test", "pat", "Pat", Set.of("patron"));
    private static final Requester ROOT = new Requester("test", "root", "Root");
    private static final RateLimit PATRONS = new RateLimit(8, 60, Duration.ofMinutes(10));
    private static final RateLimit CAROLS = new RateLimit(2, 1, Duration.ofMinutes(10));
    private static final DispatchLimits LIMITS = new DispatchLimits(RateLimit.DEFAULT, Map.of(CAROL.key(), CAROLS),
            Map.of("patron", PATRONS), Set.of(ROOT.key()), 100, 1000, Duration.ofMinutes(10));
    private static boolean answers;

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private Storage firstStorage;
    private Storage secondStorage;
    private Admission first;
    private Admission second;

    @BeforeAll
    static void findServer() {
        try (Connection c = DriverManager.getConnection(URL + (URL.contains("?") ? "&" : "?") + "connectTimeout=3")) {
            answers = c.isValid(3);
        } catch (SQLException e) {
            answers = false;
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (answers) {
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            }
        }
    }

    @BeforeEach
    void twoFrontends() throws SQLException {
        Assumptions.assumeTrue(answers, "no PostgreSQL answers at " + URL + "; skipping");
        DatabaseServer server = new DatabaseServer(URL, null, null).inSchema(SCHEMA);
        firstStorage = Storage.open(StorageOptions.of(dir.resolve("a")).withClock(clock).withServer(server));
        secondStorage = Storage.open(StorageOptions.of(dir.resolve("b")).withClock(clock).withServer(server));
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + SCHEMA + ".rate_buckets");
        }
        first = new Admission(LIMITS, RateBuckets.forStorage(firstStorage, clock));
        second = new Admission(LIMITS, RateBuckets.forStorage(secondStorage, clock));
    }

    @AfterEach
    void close() {
        if (firstStorage != null) {
            firstStorage.close();
        }
        if (secondStorage != null) {
            secondStorage.close();
        }
    }

    private static JobSpec images(int count) {
        return JobSpec.of(GenerationRequest.builder("a fox").count(count).steps(3).seed(10L).build(), null);
    }

    private static Optional<SubmitResult.Rejected> admit(Admission frontend, Requester who, int count) {
        return frontend.admit(who, images(count), 0, 0);
    }

    @Test
    void twoFrontendsShareOneUsersBudget() {
        assertThat(admit(first, ALICE, 3)).isEmpty();
        assertThat(admit(second, ALICE, 1)).isEmpty();

        SubmitResult.Rejected refused = admit(second, ALICE, 1).orElseThrow();
        assertThat(refused.reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED);
        assertThat(refused.retryAfter()).as("10 images per 10 minutes: one a minute").isEqualTo(Duration.ofMinutes(1));
        assertThat(refused.rate()).contains(RateLimit.DEFAULT);
        assertThat(admit(first, ALICE, 1)).isPresent();
        assertThat(admit(second, BOB, 4)).as("another user's bucket is their own").isEmpty();
    }

    @Test
    void tokensComeBackWithTheClockOnEitherFrontend() {
        assertThat(admit(first, ALICE, 4)).isEmpty();
        clock.advance(Duration.ofSeconds(59));
        assertThat(admit(second, ALICE, 1)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(admit(second, ALICE, 1)).isEmpty();
        assertThat(admit(first, ALICE, 1)).isPresent();
    }

    @Test
    void perRoleAndPerUserLimitsHoldAcrossFrontends() {
        assertThat(admit(first, PATRON, 5)).isEmpty();
        assertThat(admit(second, PATRON, 3)).isEmpty();
        SubmitResult.Rejected patron = admit(first, PATRON, 1).orElseThrow();
        assertThat(patron.reason()).isEqualTo(SubmitResult.Reason.RATE_LIMITED);
        assertThat(patron.rate()).contains(PATRONS);
        assertThat(patron.retryAfter()).as("60 per 10 minutes: one every 10 seconds").isEqualTo(Duration.ofSeconds(10));

        assertThat(admit(second, CAROL, 2)).isEmpty();
        SubmitResult.Rejected carol = admit(first, CAROL, 1).orElseThrow();
        assertThat(carol.rate()).contains(CAROLS);
        assertThat(carol.retryAfter()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void adminsSkipTheSharedBuckets() throws SQLException {
        for (int i = 0; i < 6; i++) {
            assertThat(admit(i % 2 == 0 ? first : second, ROOT, 8)).isEmpty();
        }
        assertThat(bucketRows(ROOT)).isZero();
        assertThat(admit(first, ALICE, 1)).isEmpty();
        assertThat(bucketRows(ALICE)).isOne();
    }

    @Test
    void imagesGivenBackOnOneFrontendAreSpentOnTheOther() {
        assertThat(admit(first, ALICE, 4)).isEmpty();
        first.giveBack(ALICE, images(2));
        assertThat(admit(second, ALICE, 2)).isEmpty();
        assertThat(admit(second, ALICE, 1)).isPresent();
    }

    @Test
    void anUnreachableStoreRefusesTheJobInsteadOfThrowing() {
        firstStorage.close();
        SubmitResult.Rejected refused;
        try (ExpectedLog log = ExpectedLog.of(Admission.class)) {
            refused = admit(first, ALICE, 1).orElseThrow();
            assertThat(log.lines()).singleElement().asString()
                    .startsWith("ERROR Could not check test:alice's rate limit: the storage at ")
                    .endsWith(" is closed | StorageException: the storage at " + URL + " is closed");
        }
        assertThat(refused.reason()).isEqualTo(SubmitResult.Reason.NOT_RECORDED);
        assertThat(Messages.rejected(refused)).startsWith("The job could not be saved");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(admit(second, ALICE, 4)).as("nothing was taken").isEmpty();
    }

    @Test
    void theH2FileKeepsItsBucketsInProcess() {
        try (Storage h2 = Storage.open(StorageOptions.of(dir.resolve("h2")).withClock(clock))) {
            assertThat(RateBuckets.forStorage(h2, clock)).isInstanceOf(LocalBuckets.class);
        }
        assertThat(RateBuckets.forStorage(firstStorage, clock)).isNotInstanceOf(LocalBuckets.class);
    }

    private static long bucketRows(Requester who) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + SCHEMA + ".rate_buckets WHERE id LIKE '"
                        + who.key() + "|%'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
