package dev.arkhe.kms.local;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable snapshot of the whole store: keys in creation order and aliases by name.
 * The backend publishes a new snapshot through one volatile field after each persisted
 * change, so every thread sees a key and its aliases change together.
 */
record StoreState(Map<UUID, KeyRecord> keys, Map<String, UUID> aliases) {

    static final StoreState EMPTY = new StoreState(Map.of(), Map.of());

    StoreState {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        aliases = Collections.unmodifiableMap(new TreeMap<>(aliases));
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
