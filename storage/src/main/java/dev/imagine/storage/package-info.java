/**
 * Durable history of imagine: users, every generation with the parameters that rerun it exactly, the images it made,
 * and per-user and per-channel defaults, in an embedded H2 file database with the image files beside it, or on a
 * PostgreSQL server that the nodes of a cluster share, images included, with the queue they take jobs from
 * ({@link dev.imagine.storage.ClusterQueue}) and the rate limits' token buckets
 * ({@link dev.imagine.storage.ClusterBuckets}).
 *
 * <p>{@link dev.imagine.storage.Storage} opens a data directory and owns everything in it; its repositories take and
 * return records only, never JDBC types. The module does not depend on the engine: samplers, models and images are
 * stored by their user-facing names, fingerprints and bytes, and the caller maps its own types to these records.
 */
package dev.imagine.storage;
