package dev.arkhe.kms.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file replacement: write a temporary file in the same directory, force it to
 * disk, rename it over the target (atomic on POSIX file systems), then force the directory
 * so that the rename itself survives a power loss. A crash at any point leaves either the
 * old or the new file, plus at most a stray temporary file that the next open removes.
 */
final class AtomicFiles {

    static final String TEMP_MARKER = ".tmp-";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom NAMES = new SecureRandom();

    private AtomicFiles() {
    }

    static boolean posix() {
        return POSIX;
    }

    /** Replaces {@code target} with {@code content}; the file is created owner-only (0600) where POSIX. */
    static void write(Path target, byte[] content) throws IOException {
        byte[] suffix = new byte[8];
        NAMES.nextBytes(suffix);
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve(target.getFileName() + TEMP_MARKER + HexFormat.of().formatHex(suffix));
        // The permissions are set at creation (umask can only remove bits), so the file is never
        // readable by others, not even between create and chmod.
        FileAttribute<?>[] attrs = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(temp,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Flushes a directory entry change to disk where the platform allows opening a directory. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on some platforms (Windows); the rename is still atomic there.
        }
    }

    /** Deletes temporary files a crashed writer left behind; call only while holding the store lock. */
    static void deleteStaleTemporaries(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().contains(TEMP_MARKER)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
