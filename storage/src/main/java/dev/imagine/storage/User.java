package dev.imagine.storage;

import java.time.Instant;

/**
 * Someone who asked for images on one platform.
 *
 * @param id the stored id, used by generations and settings
 * @param platform e.g. {@code discord}, {@code telegram} or {@code cli}
 * @param externalId the platform's own id for the user
 * @param displayName the name last seen, or {@code null}
 * @param firstSeen when the user was first recorded
 * @param blocked whether the operator blocked the user
 */
public record User(long id, String platform, String externalId, String displayName, Instant firstSeen,
        boolean blocked) {
}
