package dev.arkhe.kms;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a KMS reports about a KEK.
 *
 * @param arn          the full key ARN
 * @param state        the life-cycle state
 * @param creationDate when the key was created
 * @param deletionDate when the key material will be destroyed; present exactly when the
 *                     state is {@link KekState#PENDING_DELETION}
 */
public record KekInfo(String arn, KekState state, Instant creationDate, Optional<Instant> deletionDate) {

    /**
     * @throws NullPointerException     for a null component
     * @throws IllegalArgumentException if the deletion date is present without PENDING_DELETION or missing with it
     */
    public KekInfo {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(creationDate, "creationDate");
        Objects.requireNonNull(deletionDate, "deletionDate");
        if (deletionDate.isPresent() != (state == KekState.PENDING_DELETION)) {
            throw new IllegalArgumentException("a deletion date is present exactly when the key is pending deletion;"
                    + " state " + state + ", deletion date " + deletionDate);
        }
    }
}
