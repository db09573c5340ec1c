package dev.arkhe.kms.local;

import dev.arkhe.kms.KmsException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on a store directory, held for a backend's whole life.
 *
 * <p>Across processes it is a {@link FileLock} on {@code store.lock}. Within one JVM a
 * registry of held directories answers first: on Linux the JDK's file locks are POSIX
 * record locks, and closing <em>any</em> descriptor of the lock file in this process would
 * silently release the lock, so a second open in the same JVM must never touch the file.
 * The lock file itself is never deleted (deleting it would let two processes lock two
 * different files of the same name).
 */
final class StoreLock implements AutoCloseable {

    static final String LOCK_FILE = "store.lock";
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();
    /** Channels that must stay open; see {@link #tryFileLock}. Rarely if ever non-empty. */
    private static final java.util.List<FileChannel> PARKED_CHANNELS =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private static final long POLL_MILLIS = 50;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting up to {@code wait} for another holder to let go.
     *
     * @param dir the store directory as a real path
     * @throws KmsException UNAVAILABLE when still held after the wait, BACKEND on an I/O error
     */
    static StoreLock acquire(Path dir, Duration wait) throws KmsException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String holder;
            if (HELD_IN_THIS_JVM.add(dir)) {
                StoreLock taken = tryFileLock(dir);
                if (taken != null) {
                    return taken;
                }
                HELD_IN_THIS_JVM.remove(dir);
                holder = "another process";
            } else {
                holder = "another LocalKmsBackend in this JVM";
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new KmsException(KmsException.Reason.UNAVAILABLE, "local KMS store " + dir
                        + " is locked by " + holder + " (lock file " + LOCK_FILE + "); waited " + wait.toMillis()
                        + " ms. Close the other backend or wait for it to exit.");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KmsException(KmsException.Reason.UNAVAILABLE, "interrupted while waiting for the lock on"
                        + " local KMS store " + dir, e);
            }
        }
    }

    private static StoreLock tryFileLock(Path dir) throws KmsException {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return new StoreLock(dir, ch, lock);
            }
            ch.close();
            return null;
        } catch (OverlappingFileLockException e) {
            // Another channel of this JVM holds it outside our registry (the same store under two
            // real paths, say a bind mount); treat it as held. Closing this channel would release
            // that other channel's POSIX lock, so it is parked open instead.
            PARKED_CHANNELS.add(ch);
            return null;
        } catch (IOException e) {
            closeQuietly(ch);
            HELD_IN_THIS_JVM.remove(dir);
            throw new KmsException(KmsException.Reason.BACKEND, "cannot lock local KMS store " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Nothing useful to do: the lock was not ours.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it as well.
        }
        closeQuietly(channel);
        HELD_IN_THIS_JVM.remove(dir);
    }
}
