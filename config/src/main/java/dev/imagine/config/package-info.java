/**
 * imagine's configuration: one immutable record tree ({@link dev.imagine.config.ImagineConfig}) read from a YAML
 * file with kebab-case keys and validated once at start-up. Every problem names the key's dotted path, the bad
 * value and what is allowed; all problems are reported together in one {@link dev.imagine.config.ConfigException}.
 * Tokens come from the environment or the file (the environment wins) and are held as
 * {@link dev.imagine.config.Secret}s that never print. This module depends on no other imagine module.
 */
package dev.imagine.config;
