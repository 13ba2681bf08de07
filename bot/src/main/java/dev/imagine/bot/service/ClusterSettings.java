package dev.imagine.bot.service;

import dev.imagine.config.ImagineConfig;
import java.time.Duration;

/**
 * What a node of a cluster needs to know about itself and the queue's leases.
 *
 * @param nodeName the node's name ({@code node.name})
 * @param leaseTimeout how long a claim lasts without a heartbeat ({@code limits.lease-timeout})
 * @param maxAttempts how many starts a job gets ({@code limits.max-attempts})
 * @param jobTimeLimit how long one job may run ({@code limits.job-time-limit})
 */
record ClusterSettings(String nodeName, Duration leaseTimeout, int maxAttempts, Duration jobTimeLimit) {

    static ClusterSettings of(ImagineConfig config) {
        return new ClusterSettings(config.node().name(), config.limits().leaseTimeout(),
                config.limits().maxAttempts(), config.limits().jobTimeLimit());
    }

    /** How often a node beats and a worker renews its lease: a third of the lease, so two beats may be lost. */
    Duration beatInterval() {
        return leaseTimeout.dividedBy(3);
    }
}
