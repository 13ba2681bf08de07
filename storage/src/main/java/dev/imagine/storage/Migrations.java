package dev.imagine.storage;

import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The schema's migrations, the same files for H2 and PostgreSQL: {@code db/migration} holds the SQL both accept
 * and the portable Java migrations. {@code db/vendor/postgresql} holds what only a cluster on PostgreSQL needs (the
 * shared queue's leases, images as rows); its versions are taken, so the next common migration skips them (H2 goes
 * from 5 to 7, which Flyway allows). A change whose SQL must differ goes in {@code db/vendor/h2} and
 * {@code db/vendor/postgresql} with the same version.
 */
final class Migrations {
    private Migrations() {
    }

    /**
     * Brings the schema behind {@code source} (its connections' current schema) up to date with the common
     * migrations and {@code vendor}'s own, and returns how many ran.
     *
     * @param where names the database in an error message; must hold no secret
     */
    static int apply(DataSource source, Database.Vendor vendor, String where) {
        try {
            return Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/migration",
                            "classpath:db/vendor/" + vendor.name().toLowerCase(Locale.ROOT))
                    .failOnMissingLocations(false)
                    .cleanDisabled(true)
                    .loggers("slf4j")
                    .load()
                    .migrate()
                    .migrationsExecuted;
        } catch (FlywayException e) {
            throw new StorageException("could not bring " + where + " up to date: " + e.getMessage(), e);
        }
    }
}
