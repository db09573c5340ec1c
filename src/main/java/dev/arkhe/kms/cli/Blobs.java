package dev.arkhe.kms.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Reading wrapped keys given as Base64 on the command line or in a file. */
final class Blobs {

    private Blobs() {
    }

    /** Exactly one of {@code base64} and {@code file}: the blob's bytes. */
    static byte[] read(String base64, Path file, String what) throws CliFailure {
        if ((base64 == null) == (file == null)) {
            throw CliFailure.badInput("give the " + what + " either as Base64 (--wrapped) or in a file (--wrapped-file)");
        }
        String text = base64;
        if (file != null) {
            try {
                if (Files.size(file) > 64 * 1024) {
                    throw CliFailure.badInput(what + " file " + file + " is larger than 64 KiB; a wrapped key is at most"
                            + " 6144 bytes");
                }
                text = Files.readString(file);
            } catch (IOException e) {
                throw CliFailure.badInput("cannot read " + what + " file " + file + ": " + e.getMessage());
            }
        }
        try {
            return Base64.getMimeDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw CliFailure.badInput(what + " is not valid Base64");
        }
    }

    static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
