package dev.arkhe.kms;

import java.util.HexFormat;

/** Lower-case hex for identifiers and digests (never for key material). */
final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {
    }

    static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }
}
