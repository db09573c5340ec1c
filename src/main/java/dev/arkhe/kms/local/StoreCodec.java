package dev.arkhe.kms.local;

import dev.arkhe.kms.KekState;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The plaintext body of the store file (it is only ever written encrypted, see
 * {@link StoreFile}). Version 1, all integers big-endian:
 *
 * <pre>
 * int  body version (1)
 * int  key count, then per key:
 *      16 bytes id, long creation epoch millis, byte state (0 enabled, 1 disabled, 2 pending),
 *      long deletion epoch seconds (0 unless pending), int description length + UTF-8,
 *      int material version count, then 32 bytes per version (version 1 first)
 * int  alias count, then per alias: int name length + UTF-8, 16 bytes key id
 * </pre>
 *
 * The encoder sizes its buffer exactly so that the caller can zero the one array holding
 * material in clear.
 */
final class StoreCodec {

    static final int BODY_VERSION = 1;
    private static final int MAX_STRING = 64 * 1024;

    private StoreCodec() {
    }

    /** Thrown for a body that does not decode; the store is then reported corrupt. */
    static final class CorruptBodyException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptBodyException(String message) {
            super(message);
        }
    }

    /** Encodes a snapshot; the caller must zero the returned array after encrypting it. */
    static byte[] encode(StoreState state) {
        int size = 8;
        List<byte[]> descriptions = new ArrayList<>();
        for (KeyRecord k : state.keys().values()) {
            byte[] d = k.description().getBytes(StandardCharsets.UTF_8);
            descriptions.add(d);
            size += 16 + 8 + 1 + 8 + 4 + d.length + 4 + AesKey.LENGTH * k.versions().size();
        }
        size += 4;
        List<byte[]> names = new ArrayList<>();
        for (String name : state.aliases().keySet()) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 4 + n.length + 16;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(BODY_VERSION);
        out.putInt(state.keys().size());
        int i = 0;
        for (KeyRecord k : state.keys().values()) {
            putUuid(out, k.id());
            out.putLong(k.creationDate().toEpochMilli());
            out.put((byte) k.state().ordinal());
            out.putLong(k.deletionDate() == null ? 0 : k.deletionDate().getEpochSecond());
            byte[] d = descriptions.get(i++);
            out.putInt(d.length).put(d);
            out.putInt(k.versions().size());
            for (AesKey m : k.versions()) {
                out.put(m.raw());
            }
        }
        out.putInt(state.aliases().size());
        i = 0;
        for (UUID target : state.aliases().values()) {
            byte[] n = names.get(i++);
            out.putInt(n.length).put(n);
            putUuid(out, target);
        }
        if (out.hasRemaining()) {
            throw new IllegalStateException("store body size miscounted");
        }
        return out.array();
    }

    /** Decodes a body; the material arrays it creates are owned by the returned records. */
    static StoreState decode(byte[] body) throws CorruptBodyException {
        List<AesKey> made = new ArrayList<>();
        try {
            ByteBuffer in = ByteBuffer.wrap(body);
            if (in.getInt() != BODY_VERSION) {
                throw new CorruptBodyException("unknown store body version");
            }
            int keyCount = count(in);
            Map<UUID, KeyRecord> keys = new LinkedHashMap<>();
            for (int i = 0; i < keyCount; i++) {
                UUID id = getUuid(in);
                Instant created = Instant.ofEpochMilli(in.getLong());
                int stateOrdinal = in.get();
                if (stateOrdinal < 0 || stateOrdinal >= KekState.values().length) {
                    throw new CorruptBodyException("unknown key state " + stateOrdinal);
                }
                KekState state = KekState.values()[stateOrdinal];
                long deletionSeconds = in.getLong();
                String description = getString(in);
                int versionCount = count(in);
                if (versionCount < 1) {
                    throw new CorruptBodyException("key without material");
                }
                List<AesKey> versions = new ArrayList<>(versionCount);
                for (int v = 0; v < versionCount; v++) {
                    byte[] m = new byte[AesKey.LENGTH];
                    in.get(m);
                    AesKey key = new AesKey(m);
                    made.add(key);
                    versions.add(key);
                }
                Instant deletion = state == KekState.PENDING_DELETION ? Instant.ofEpochSecond(deletionSeconds) : null;
                if (keys.put(id, new KeyRecord(id, description, created, state, deletion, versions)) != null) {
                    throw new CorruptBodyException("duplicate key id");
                }
            }
            int aliasCount = count(in);
            Map<String, UUID> aliases = new TreeMap<>();
            for (int i = 0; i < aliasCount; i++) {
                String name = getString(in);
                UUID target = getUuid(in);
                if (!keys.containsKey(target)) {
                    throw new CorruptBodyException("alias points to a missing key");
                }
                aliases.put(name, target);
            }
            if (in.hasRemaining()) {
                throw new CorruptBodyException("trailing bytes after store body");
            }
            return new StoreState(keys, aliases);
        } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
            made.forEach(AesKey::destroy);
            throw new CorruptBodyException("store body is truncated or malformed");
        } catch (CorruptBodyException e) {
            made.forEach(AesKey::destroy);
            throw e;
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    private static int count(ByteBuffer in) throws CorruptBodyException {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new CorruptBodyException("implausible count " + n);
        }
        return n;
    }

    private static String getString(ByteBuffer in) throws CorruptBodyException {
        int n = count(in);
        if (n > MAX_STRING) {
            throw new CorruptBodyException("string too long");
        }
        byte[] b = new byte[n];
        in.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptBodyException("invalid UTF-8 in store body");
        }
    }

    private static void putUuid(ByteBuffer out, UUID id) {
        out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    private static UUID getUuid(ByteBuffer in) {
        return new UUID(in.getLong(), in.getLong());
    }
}
