package dev.agentguard.core.internal.identity;

import dev.agentguard.core.TrustBundle;
import dev.agentguard.core.internal.FileWatch;
import dev.agentguard.core.internal.Hashing;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trust bundle, fixed or read from a file. A file source checks the file through
 * {@link FileWatch} on {@link #reload()} (bounded read, SHA-256 compared with the last content
 * seen, a lasting read problem logged once) and swaps in a new bundle only when it parses and names
 * the same trust domain; otherwise the last good bundle stays. Thread-safe.
 */
final class BundleSource {
  private static final Logger LOG = LoggerFactory.getLogger(BundleSource.class);

  private final Path file; // null for a fixed bundle
  private final String configuredTrustDomain; // may be null for a file that names its own
  private final AtomicReference<TrustBundles.TrustBundleImpl> current = new AtomicReference<>();
  private final FileWatch watch; // null for a fixed bundle

  private BundleSource(Path file, String configuredTrustDomain, TrustBundles.TrustBundleImpl initial) {
    this.file = file;
    this.configuredTrustDomain = configuredTrustDomain;
    this.current.set(initial);
    this.watch = file == null ? null : FileWatch.manual(file, TrustBundle.MAX_BYTES, null, new FileWatch.Listener() {
      @Override
      public boolean changed(byte[] content, byte[] sha256) {
        return accept(content, "sha256:" + Hashing.hex(sha256));
      }

      @Override
      public void unreadable(String problem) {
        LOG.warn("keeping the last good trust bundle: cannot read trust bundle {}: {}", file, problem);
      }
    });
  }

  static BundleSource fixed(TrustBundle bundle) {
    Objects.requireNonNull(bundle, "bundle");
    TrustBundles.TrustBundleImpl impl = bundle instanceof TrustBundles.TrustBundleImpl
        ? (TrustBundles.TrustBundleImpl) bundle
        : (TrustBundles.TrustBundleImpl) TrustBundles.of(bundle.trustDomain(), bundle.x509Authorities(),
            bundle.jwtAuthorities());
    logNotable(impl, "<in memory>");
    return new BundleSource(null, impl.trustDomain(), impl);
  }

  /** Loads the file now; throws IllegalArgumentException naming it when it is unreadable or invalid. */
  static BundleSource file(String trustDomain, Path file) {
    TrustBundles.TrustBundleImpl first = (TrustBundles.TrustBundleImpl) TrustBundles.load(trustDomain, file);
    logNotable(first, file.toString());
    return new BundleSource(file, first.trustDomain(), first);
  }

  TrustBundles.TrustBundleImpl current() {
    return current.get();
  }

  String trustDomain() {
    return current.get().trustDomain();
  }

  boolean watchesFile() {
    return file != null;
  }

  /** Re-reads the file when its content changed; true when a new bundle went live. */
  boolean reload() {
    return watch != null && watch.check();
  }

  /** New content from the watch (one check at a time). */
  private boolean accept(byte[] bytes, String hash) {
    if (hash.equals(current.get().version())) {
      return false; // the content in use, e.g. the first check, or a bad write undone
    }
    TrustBundles.TrustBundleImpl next;
    try {
      next = (TrustBundles.TrustBundleImpl) TrustBundles.parse(configuredTrustDomain, bytes, file.toString());
    } catch (IllegalArgumentException e) {
      LOG.warn("rejected trust bundle {}; keeping the last good bundle {}: {}", file,
          current.get().version(), e.getMessage());
      return false;
    }
    current.set(next);
    LOG.info("loaded trust bundle {} for trust domain {} ({})", file, next.trustDomain(), next.version());
    logNotable(next, file.toString());
    return true;
  }

  /**
   * Once per bundle version that goes live: an empty bundle (trust revoked), and the elements it
   * ignored (SPIFFE bundle 4.2).
   */
  private static void logNotable(TrustBundles.TrustBundleImpl bundle, String source) {
    if (bundle.x509Authorities().isEmpty() && bundle.jwtAuthorities().isEmpty()) {
      LOG.warn("trust bundle {} for trust domain {} ({}) holds no authorities: every SVID of {} is rejected",
          source, bundle.trustDomain(), bundle.version(), bundle.trustDomain());
    }
    if (!bundle.ignoredElements().isEmpty()) {
      LOG.warn("trust bundle {} for trust domain {} ({}): ignored {} element(s) AgentGuard cannot use: {}",
          source, bundle.trustDomain(), bundle.version(), bundle.ignoredElements().size(),
          bundle.ignoredElements());
    }
  }
}
