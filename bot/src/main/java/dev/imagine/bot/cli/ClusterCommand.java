package dev.imagine.bot.cli;

import dev.imagine.storage.ClusterQueue;
import dev.imagine.storage.Storage;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code imagine cluster}: the nodes that share a PostgreSQL database. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Look at the nodes that share a PostgreSQL database (--db-url).",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code imagine cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List the nodes: role, last heartbeat, the jobs each runs; and the queue's depth.")
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            if (storage.url == null) {
                throw new UserException("imagine cluster status needs --db-url: one machine on the H2 file has no "
                        + "cluster");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Storage opened = storage.openExisting()) {
                ClusterQueue queue = opened.queue();
                List<ClusterQueue.Node> nodes = queue.nodes();
                out.println("queued jobs     " + queue.depth());
                if (nodes.isEmpty()) {
                    out.println("no node has started on this database yet");
                }
                for (ClusterQueue.Node node : nodes) {
                    Duration age = Duration.between(node.heartbeatAt(), Clock.systemUTC().instant());
                    out.printf("%-24s %-9s last heartbeat %s ago, %d jobs done, %s%n", node.name(), node.role(),
                            ago(age), node.jobsDone(), node.running().isEmpty() ? "idle"
                                    : "running " + node.running().stream().map(id -> "#" + id)
                                            .collect(Collectors.joining(", ")));
                }
            }
            return 0;
        }

        static String ago(Duration age) {
            long seconds = Math.max(0, age.toSeconds());
            if (seconds < 120) {
                return seconds + " s";
            }
            if (seconds < 7200) {
                return seconds / 60 + " min";
            }
            return seconds / 3600 + " h";
        }
    }
}
