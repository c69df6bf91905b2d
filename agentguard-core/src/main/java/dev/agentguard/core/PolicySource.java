package dev.agentguard.core;

import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.FileWatch;
import dev.agentguard.core.internal.Settings;
import dev.agentguard.core.internal.policy.CompiledPolicySet;
import dev.agentguard.core.internal.policy.DocumentReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot-reloaded policy file. The file is re-read (re-resolving the path, so atomic renames and
 * symlink swaps are seen) whenever the parent directory reports a change, and at least every poll
 * interval (default 1 s) as a fallback; a check compares the SHA-256 of the content, not the
 * modification time, and reads at most the bound {@link PolicySet#load} applies (16 MiB; a larger
 * file is rejected without being read). New content that parses and has a new version is swapped in
 * atomically and reported to {@link PolicyListener#loaded}; content that does not parse (a
 * half-written file, a syntax error, an oversized file) leaves the last good set live and is
 * reported once to {@link PolicyListener#rejected}.
 *
 * <p>The watcher runs on one daemon thread named {@code agentguard-policy-watch}; {@link #close()}
 * stops it. A listener that throws — an exception or an {@link Error} such as
 * {@link StackOverflowError} — is logged once and never stops the watcher. {@link #current()} is a
 * volatile read and may be called from any thread.
 *
 * @since 0.1.0
 */
public final class PolicySource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicySource.class);

  private final String name;
  private final PolicyListener listener;
  private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();
  private volatile PolicySet current;
  private final FileWatch watch;

  private PolicySource(Builder b) {
    this.name = b.file.toString();
    this.listener = b.listener == null ? Builder.NO_LISTENER : b.listener;
    Duration poll = b.pollInterval == null ? Duration.ofSeconds(1) : b.pollInterval;
    this.watch = FileWatch.start(b.file, DocumentReader.MAX_FILE_BYTES, poll, "agentguard-policy-watch",
        new FileWatch.Listener() {
          @Override
          public boolean changed(byte[] content, byte[] sha256) {
            return accept(content);
          }

          @Override
          public void unreadable(String problem) {
            notifyRejected(new PolicyException(name, 0, 0, null, "cannot read policy file: " + problem));
          }
        });
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
    return watch.check();
  }

  /** Parses new content; called by the watch, one check at a time. */
  private boolean accept(byte[] content) {
    PolicySet next;
    try {
      next = CompiledPolicySet.parse(DocumentReader.decode(content, name), name);
    } catch (PolicyException e) {
      notifyRejected(e);
      return false;
    }
    PolicySet prev = current;
    if (prev != null && prev.version().equals(next.version())) {
      return false;
    }
    current = next;
    try {
      listener.loaded(next);
    } catch (Throwable t) {
      isolate(t);
    }
    return true;
  }

  private void notifyRejected(PolicyException e) {
    try {
      listener.rejected(name, e);
    } catch (Throwable t) {
      isolate(t);
    }
  }

  private void isolate(Throwable t) {
    if (FileWatch.isFatal(t)) {
      throw (VirtualMachineError) t;
    }
    if (listenerFailureLogged.compareAndSet(false, true)) {
      LOG.warn("policy listener threw; ignoring (logged once)", t);
    }
  }

  /** Stops the watcher thread. Idempotent. {@link #current()} keeps returning the last set. */
  @Override
  public void close() {
    watch.close();
  }

  /** Builds a {@link PolicySource}. Not thread-safe. */
  public static final class Builder {
    private static final PolicyListener NO_LISTENER = new PolicyListener() {};
    private final Path file;
    private PolicyListener listener;
    private Duration pollInterval;

    private Builder(Path file) {
      this.file = file;
    }

    /**
     * Sets the listener.
     *
     * @throws IllegalStateException if set twice
     * @throws NullPointerException if listener is null
     */
    public Builder listener(PolicyListener listener) {
      this.listener = Settings.setOnce(this.listener, listener, "listener");
      return this;
    }

    /**
     * Sets the polling fallback interval (default 1 s).
     *
     * @throws IllegalArgumentException if not between 10 ms and 1 hour
     * @throws IllegalStateException if set twice
     */
    public Builder pollInterval(Duration interval) {
      Settings.requireUnset(this.pollInterval, "pollInterval");
      this.pollInterval = Settings.between(interval, Duration.ofMillis(10), Duration.ofHours(1), "pollInterval");
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
