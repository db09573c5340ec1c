package dev.arkhe.kms.local;

import dev.arkhe.kms.KekInfo;
import dev.arkhe.kms.KekState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of one KEK: identity, description, state and every material version
 * (version n is {@code versions.get(n - 1)}). State changes produce a new record that shares
 * the material objects, so a reader holding an old snapshot never sees a half-made change.
 */
final class KeyRecord {

    static final String ARN_PREFIX = "arn:arkhe:kms:local:000000000000:";
    static final String KEY_ARN_PREFIX = ARN_PREFIX + "key/";
    static final String ALIAS_ARN_PREFIX = ARN_PREFIX + "alias/";

    private final UUID id;
    private final String arn;
    private final String description;
    private final Instant creationDate;
    private final KekState state;
    private final Instant deletionDate;
    private final List<AesKey> versions;

    KeyRecord(UUID id, String description, Instant creationDate, KekState state, Instant deletionDate,
              List<AesKey> versions) {
        if ((deletionDate != null) != (state == KekState.PENDING_DELETION)) {
            throw new IllegalArgumentException("deletion date present exactly when pending deletion");
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a key has at least one material version");
        }
        this.id = id;
        this.arn = arnOf(id);
        this.description = description;
        this.creationDate = creationDate;
        this.state = state;
        this.deletionDate = deletionDate;
        this.versions = List.copyOf(versions);
    }

    static String arnOf(UUID id) {
        return KEY_ARN_PREFIX + id;
    }

    UUID id() {
        return id;
    }

    String arn() {
        return arn;
    }

    String description() {
        return description;
    }

    Instant creationDate() {
        return creationDate;
    }

    KekState state() {
        return state;
    }

    /** Null unless pending deletion. */
    Instant deletionDate() {
        return deletionDate;
    }

    List<AesKey> versions() {
        return versions;
    }

    int currentVersion() {
        return versions.size();
    }

    /** The material of a 1-based version, or null when there is no such version. */
    AesKey material(int version) {
        return version >= 1 && version <= versions.size() ? versions.get(version - 1) : null;
    }

    KeyRecord withState(KekState newState, Instant newDeletionDate) {
        return new KeyRecord(id, description, creationDate, newState, newDeletionDate, versions);
    }

    KeyRecord withNewVersion(AesKey material) {
        List<AesKey> more = new ArrayList<>(versions);
        more.add(material);
        return new KeyRecord(id, description, creationDate, state, deletionDate, more);
    }

    KekInfo info() {
        return new KekInfo(arn, state, creationDate, Optional.ofNullable(deletionDate));
    }

    void destroyMaterial() {
        for (AesKey k : versions) {
            k.destroy();
        }
    }

    @Override
    public String toString() {
        return "KeyRecord[" + arn + ", " + state + ", " + versions.size() + " material versions]";
    }
}
