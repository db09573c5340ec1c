package dev.arkhe.kms.local;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable snapshot of the whole store: keys in creation order and aliases by name.
 * The backend publishes a new snapshot through one volatile field after each persisted
 * change, so every thread sees a key and its aliases change together.
 *
 * <p>Each snapshot also indexes every canonical way of naming a key (lower-case id, key
 * ARN, alias name, alias ARN) so that the hot path resolves a reference with one lookup.
 */
final class StoreState {

    static final StoreState EMPTY = new StoreState(Map.of(), Map.of());

    private final Map<UUID, KeyRecord> keys;
    private final Map<String, UUID> aliases;
    private final Map<String, KeyRecord> byReference;

    StoreState(Map<UUID, KeyRecord> keys, Map<String, UUID> aliases) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        this.aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
        Map<String, KeyRecord> refs = new HashMap<>();
        for (KeyRecord k : keys.values()) {
            refs.put(k.id().toString(), k);
            refs.put(k.arn(), k);
        }
        for (Map.Entry<String, UUID> a : aliases.entrySet()) {
            KeyRecord k = keys.get(a.getValue());
            refs.put(a.getKey(), k);
            refs.put(KeyRecord.ARN_PREFIX + a.getKey(), k);
        }
        this.byReference = refs;
    }

    Map<UUID, KeyRecord> keys() {
        return keys;
    }

    Map<String, UUID> aliases() {
        return aliases;
    }

    /** The key a canonical reference names, or null (also for non-canonical spellings). */
    KeyRecord byReference(String reference) {
        return byReference.get(reference);
    }

    StoreState withKey(KeyRecord key) {
        Map<UUID, KeyRecord> k = new LinkedHashMap<>(keys);
        k.put(key.id(), key);
        return new StoreState(k, aliases);
    }

    StoreState withoutKey(UUID id) {
        Map<UUID, KeyRecord> k = new LinkedHashMap<>(keys);
        k.remove(id);
        Map<String, UUID> a = new TreeMap<>(aliases);
        a.values().removeIf(id::equals);
        return new StoreState(k, a);
    }

    StoreState withAlias(String name, UUID target) {
        Map<String, UUID> a = new TreeMap<>(aliases);
        a.put(name, target);
        return new StoreState(keys, a);
    }

    StoreState withoutAlias(String name) {
        Map<String, UUID> a = new TreeMap<>(aliases);
        a.remove(name);
        return new StoreState(keys, a);
    }
}
