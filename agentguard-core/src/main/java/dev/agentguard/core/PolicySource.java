package dev.agentguard.core;

import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot-reloaded policy file. The file is re-read (re-resolving the path, so atomic renames and
 * symlink swaps are seen) whenever the parent directory reports a change, and at least every poll
 * interval (default 1 s) as a fallback; a check compares the SHA-256 of the content, not the
 * modification time. New content that parses and has a new version is swapped in atomically and
 * reported to {@link PolicyListener#loaded}; content that does not parse (a half-written file, a
 * syntax error) leaves the last good set live and is reported once to
 * {@link PolicyListener#rejected}.
 *
 * <p>The watcher runs on one daemon thread named {@code agentguard-policy-watch}; {@link #close()}
 * stops it. {@link #current()} is a volatile read and may be called from any thread.
 *
 * @since 0.1.0
 */
public final class PolicySource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySource.class);

  private final Path file;
  private final PolicyListener listener;
  private final Duration pollInterval;
  private final Object lock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();
  private volatile PolicySet current;
  private byte[] lastContentHash; // guarded by lock
  private final Thread thread;
  private final WatchService watcher;

  private PolicySource(Builder b) {
    this.file = b.file;
    this.listener = b.listener;
    this.pollInterval = b.pollInterval;
    reload();
    WatchService ws = null;
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      try {
        ws = FileSystems.getDefault().newWatchService();
        dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.warn("cannot watch {} ({}); falling back to polling every {}", dir, e.toString(), pollInterval);
        closeQuietly(ws);
        ws = null;
      }
    }
    this.watcher = ws;
    this.thread = new Thread(this::run, "agentguard-policy-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts building a source for one file.
   *
   * @param file the policy file (YAML or JSON)
   * @return a builder
   * @throws NullPointerException if file is null
   */
  public static Builder builder(Path file) {
    return new Builder(Objects.requireNonNull(file, "file"));
  }

  /** The live policy set, or {@code null} while no valid policy has been loaded. Thread-safe. */
  public PolicySet current() {
    return current;
  }

  /**
   * Checks the file now.
   *
   * @return true when a new version went live
   */
  public boolean reload() {
    if (closed.get()) {
      return false;
    }
    synchronized (lock) {
      String name = file.toString();
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException | SecurityException e) {
        byte[] marker = sha256(("\u0000missing:" + e.getClass().getName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (!Arrays.equals(marker, lastContentHash)) {
          lastContentHash = marker;
          notifyRejected(name, new PolicyException(name, 0, 0, null, "cannot read policy file: " + e));
        }
        return false;
      }
      byte[] hash = sha256(bytes);
      if (Arrays.equals(hash, lastContentHash)) {
        return false;
      }
      lastContentHash = hash;
      PolicySet next;
      try {
        next = CompiledPolicySet.parse(CompiledPolicySet.decode(bytes, name), name);
      } catch (PolicyException e) {
        notifyRejected(name, e);
        return false;
      }
      PolicySet prev = current;
      if (prev != null && prev.version().equals(next.version())) {
        return false;
      }
      current = next;
      try {
        listener.loaded(next);
      } catch (RuntimeException e) {
        logListenerFailure(e);
      }
      return true;
    }
  }

  private void notifyRejected(String name, PolicyException e) {
    try {
      listener.rejected(name, e);
    } catch (RuntimeException ex) {
      logListenerFailure(ex);
    }
  }

  private void logListenerFailure(RuntimeException e) {
    if (listenerFailureLogged.compareAndSet(false, true)) {
      LOG.warn("policy listener threw; ignoring (logged once)", e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void run() {
    long pollMillis = Math.max(1, pollInterval.toMillis());
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
        reload();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (closed.get()) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("policy watcher check failed; continuing", e);
      }
    }
  }

  /** Stops the watcher thread. Idempotent. {@link #current()} keeps returning the last set. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly(watcher);
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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

  /** Builds a {@link PolicySource}. Not thread-safe. */
  public static final class Builder {
    private final Path file;
    private PolicyListener listener = new PolicyListener() {};
    private Duration pollInterval = Duration.ofSeconds(1);
    private boolean listenerSet;

    private Builder(Path file) {
      this.file = file;
    }

    /**
     * Sets the listener.
     *
     * @throws IllegalStateException if set twice
     */
    public Builder listener(PolicyListener listener) {
      if (listenerSet) {
        throw new IllegalStateException("listener already set");
      }
      this.listener = Objects.requireNonNull(listener, "listener");
      listenerSet = true;
      return this;
    }

    /**
     * Sets the polling fallback interval (default 1 s).
     *
     * @throws IllegalArgumentException if not between 10 ms and 1 hour
     */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("pollInterval " + interval + " must be between 10 ms and 1 hour");
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Loads the file once (synchronously, reporting to the listener) and starts the watcher.
     *
     * @return the running source; {@link PolicySource#current()} is null when the first load failed
     */
    public PolicySource build() {
      return new PolicySource(this);
    }
  }
}
