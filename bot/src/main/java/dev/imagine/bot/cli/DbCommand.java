package dev.imagine.bot.cli;

import dev.imagine.storage.Counts;
import dev.imagine.storage.GenerationStatus;
import dev.imagine.storage.PruneResult;
import dev.imagine.storage.Storage;
import dev.imagine.storage.StorageInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imagine db}: maintenance of the data directory (backup, prune, info). */
@Command(name = "db", mixinStandardHelpOptions = true,
        description = "Look after the database: backup, restore, prune, info.",
        subcommands = {DbCommand.Backup.class, DbCommand.Restore.class, DbCommand.Prune.class, DbCommand.Info.class})
final class DbCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code imagine db backup FILE}. */
    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Write a consistent copy of the database to FILE (a zip), also while imagine run or generate "
                    + "has it open (through that process, on this machine).",
                    "Image files never change once written: copy the images folder with any tool to back them up.",
                    "With --db-url, pg_dump writes the PostgreSQL database, images included, in its custom format."})
    static final class Backup implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The zip to write (replaced when it exists).")
        Path file;

        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            PathChecks.writableFile("the backup file", file);
            try (Storage storage = this.storage.openShared()) {
                storage.backup(file);
                spec.commandLine().getOut().println(file);
                if (storage.onServer()) {
                    spec.commandLine().getErr().println("backed up the PostgreSQL database with pg_dump, images "
                            + "included; pg_restore reads it");
                } else {
                    spec.commandLine().getErr().println("backed up the database of " + storage.dataDirectory()
                            + (storage.throughHolder() ? " through the imagine process that has it open" : "")
                            + "; copy " + storage.dataDirectory().resolve("images") + " to back up the images too");
                }
            }
            return 0;
        }
    }

    /** {@code imagine db restore FILE}. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Put the database from FILE (a zip made by imagine db backup) in place of the data folder's.",
                    "Checks FILE first, refuses while imagine run or generate has the database open, and moves the "
                            + "current database files into a folder replaced-TIME beside them (nothing is deleted).",
                    "Copy the backed-up images folder back separately. H2 only: use pg_restore for PostgreSQL."})
    static final class Restore implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The zip that imagine db backup wrote.")
        Path file;

        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            if (storage.url != null) {
                throw new UserException("db restore works on the data folder's H2 database; restore a PostgreSQL "
                        + "backup with pg_restore");
            }
            PathChecks.readableFile("the backup file", file);
            PathChecks.writableFolder("--data", storage.data);
            Optional<Path> aside = Storage.restoreReplacing(file, storage.data, Clock.systemUTC());
            spec.commandLine().getOut().println(storage.data.resolve(Storage.DATABASE_FILE));
            spec.commandLine().getErr().println("restored the database from " + file
                    + aside.map(folder -> "; the replaced database files are in " + folder).orElse(""));
            return 0;
        }
    }

    /** {@code imagine db prune --older-than 30d}. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete finished generations older than an age, and image files nothing refers to any more.")
    static final class Prune implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--older-than", required = true, paramLabel = "AGE", converter = AgeConverter.class,
                description = "e.g. 30d, 12h, 90m, or ISO-8601 such as P30D.")
        Duration olderThan;

        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            try (Storage storage = this.storage.openExisting()) {
                PruneResult result = storage.prune(olderThan);
                spec.commandLine().getOut().printf("deleted %d generations, %d image rows, %d files (%s)%n",
                        result.generations(), result.images(), result.files(), bytes(result.bytes()));
            }
            return 0;
        }
    }

    /** {@code imagine db info}. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show the database's path, size, schema version and counts.")
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Storage storage = this.storage.openShared()) {
                StorageInfo info = storage.info();
                Counts counts = info.counts();
                if (!storage.onServer()) {
                    out.println("data directory  " + info.dataDirectory());
                }
                out.println("database        " + info.database() + " (" + bytes(info.databaseBytes()) + ")");
                out.println("schema version  " + info.schemaVersion());
                out.println("users           " + counts.users());
                out.println("generations     " + counts.generations() + " (" + Arrays.stream(GenerationStatus.values())
                        .map(s -> s.id() + " " + counts.generationsByStatus().get(s))
                        .collect(Collectors.joining(", ")) + ")");
                out.println("images          " + counts.images() + " rows, " + info.imageFiles()
                        + (storage.onServer() ? " stored in the database (" : " files (")
                        + bytes(info.imageFileBytes()) + ")");
            }
            return 0;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
    }

    /** Parses {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s} or ISO-8601 durations such as {@code P30D}. */
    static final class AgeConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([dhms])");

        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SHORT.matcher(text);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            try {
                Duration parsed = Duration.parse(value.trim());
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // not ISO-8601 either: the message below says what is accepted
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an age such as 30d, 12h or P30D");
        }
    }
}
