package dev.agentguard.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one file for new content: the one hot-reload mechanism for policy files and trust
 * bundles.
 *
 * <p>A check re-reads the file through its path (so an atomic rename or a symlink swap is seen as
 * new content), reads at most {@code maxBytes} (a larger or unreadable file is a problem, reported,
 * never read whole), and compares the SHA-256 of the content with the last check's — not the
 * modification time. New content goes to {@link Listener#changed}; a problem goes to
 * {@link Listener#unreadable} once until the file changes again. Checks run on {@link #check()} and,
 * for a watch made with {@link #start}, on one daemon thread whenever the parent directory reports
 * a change and at least every poll interval.
 *
 * <p>A listener that throws (an exception or an {@link Error} other than a
 * {@link VirtualMachineError} such as {@link OutOfMemoryError}) does not stop the thread: the
 * failure is logged once and checks go on. Thread-safe: checks are serialised.
 *
 * @since 0.2.0
 */
public final class FileWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FileWatch.class);

  /** What a watch reports. Called on the checking thread, one call at a time. */
  public interface Listener {
    /**
     * The file has content different from the last check's.
     *
     * @param content the bytes read (at most the watch's bound)
     * @param sha256 their SHA-256
     * @return true when the content went live (returned by {@link FileWatch#check()})
     */
    boolean changed(byte[] content, byte[] sha256);

    /**
     * The file could not be read; called once per problem until the file changes.
     *
     * @param problem what went wrong ({@code "larger than N bytes"}, or the I/O exception)
     */
    void unreadable(String problem);
  }

  private final Path file;
  private final long maxBytes;
  private final Listener listener;
  private final Object lock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private byte[] lastHash; // guarded by lock
  private Thread thread;
  private WatchService watcher;

  private FileWatch(Path file, long maxBytes, byte[] initialHash, Listener listener) {
    this.file = Objects.requireNonNull(file, "file");
    if (maxBytes <= 0 || maxBytes >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " must be between 1 and " + (Integer.MAX_VALUE - 1));
    }
    this.maxBytes = maxBytes;
    this.lastHash = initialHash == null ? null : initialHash.clone();
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * A watch that checks only when {@link #check()} is called.
   *
   * @param file the file
   * @param maxBytes the largest content accepted
   * @param initialHash the SHA-256 of content already in use (not reported again), or null
   * @param listener receives new content and problems
   */
  public static FileWatch manual(Path file, long maxBytes, byte[] initialHash, Listener listener) {
    return new FileWatch(file, maxBytes, initialHash, listener);
  }

  /**
   * Checks the file once now (on the calling thread), then starts the watcher thread.
   *
   * @param file the file
   * @param maxBytes the largest content accepted
   * @param pollInterval the longest time between checks (a fallback for missed directory events)
   * @param threadName the daemon thread's name
   * @param listener receives new content and problems
   */
  public static FileWatch start(Path file, long maxBytes, Duration pollInterval, String threadName, Listener listener) {
    FileWatch w = new FileWatch(file, maxBytes, null, listener);
    w.check();
    w.watcher = w.newWatchService();
    long pollMillis = Math.max(1, pollInterval.toMillis());
    w.thread = new Thread(() -> w.run(pollMillis), threadName);
    w.thread.setDaemon(true);
    w.thread.start();
    return w;
  }

  /**
   * Reads a file, refusing more than {@code maxBytes} without reading them.
   *
   * @throws IOException when the file cannot be read or is larger than the bound (the message says which)
   */
  public static byte[] readBounded(Path file, long maxBytes) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > maxBytes) {
        throw new TooLarge("larger than " + maxBytes + " bytes");
      }
      return bytes;
    }
  }

  /** A file over the bound: its message says so without naming anything else. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** The text a read failure is reported with: {@code "larger than N bytes"}, or the exception. */
  public static String problem(Exception e) {
    return e instanceof TooLarge ? e.getMessage() : e.toString();
  }

  /**
   * Whether a throwable from a user callback must not be isolated: a {@link VirtualMachineError}
   * other than {@link StackOverflowError} (a callback's own recursion bug is survivable).
   */
  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /**
   * Checks the file now.
   *
   * @return what {@link Listener#changed} returned, or false when the content is unchanged, the file
   *     is unreadable, the listener threw, or the watch is closed
   */
  public boolean check() {
    if (closed.get()) {
      return false;
    }
    synchronized (lock) {
      byte[] bytes;
      try {
        bytes = readBounded(file, maxBytes);
      } catch (IOException | SecurityException e) {
        String problem = problem(e);
        byte[] marker = Hashing.sha256("\u0000unreadable:" + problem);
        if (!Arrays.equals(marker, lastHash)) {
          lastHash = marker;
          try {
            listener.unreadable(problem);
          } catch (Throwable t) {
            isolate(t);
          }
        }
        return false;
      }
      byte[] hash = Hashing.sha256(bytes);
      if (Arrays.equals(hash, lastHash)) {
        return false;
      }
      lastHash = hash;
      try {
        return listener.changed(bytes, hash.clone());
      } catch (Throwable t) {
        isolate(t);
        return false;
      }
    }
  }

  private void isolate(Throwable t) {
    if (isFatal(t)) {
      throw (VirtualMachineError) t;
    }
    if (failureLogged.compareAndSet(false, true)) {
      LOG.warn("listener for {} threw; ignoring (logged once)", file, t);
    }
  }

  private WatchService newWatchService() {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      return null;
    }
    WatchService ws = null;
    try {
      ws = FileSystems.getDefault().newWatchService();
      dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      return ws;
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot watch {} ({}); polling only", dir, e.toString());
      closeQuietly(ws);
      return null;
    }
  }

  private void run(long pollMillis) {
    while (!closed.get()) {
      try {
        if (watcher != null) {
          WatchKey key = watcher.poll(pollMillis, TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        } else {
          Thread.sleep(pollMillis);
        }
        check();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (closed.get()) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("check of {} failed; continuing", file, e);
      }
    }
  }

  /** Stops the watcher thread, if any. Idempotent; later {@link #check()}s return false. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(watcher);
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(WatchService ws) {
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        LOG.debug("closing watch service", e);
      }
    }
  }
}
