package dev.agentguard.core.internal.identity;

import dev.agentguard.core.TrustBundle;
import dev.agentguard.core.internal.Hashing;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trust bundle, fixed or read from a file. A file source re-reads the file on {@link #reload()},
 * compares its SHA-256 with the last content seen, and swaps in a new bundle only when it parses and
 * names the same trust domain; otherwise the last good bundle stays. Thread-safe.
 */
final class BundleSource {
  private static final Logger LOG = LoggerFactory.getLogger(BundleSource.class);

  private final Path file; // null for a fixed bundle
  private final String configuredTrustDomain; // may be null for a file that names its own
  private final AtomicReference<TrustBundles.TrustBundleImpl> current = new AtomicReference<>();
  private final Object reloadLock = new Object();
  private String lastSeenHash;
  private String lastReadError;

  private BundleSource(Path file, String configuredTrustDomain, TrustBundles.TrustBundleImpl initial) {
    this.file = file;
    this.configuredTrustDomain = configuredTrustDomain;
    this.current.set(initial);
    this.lastSeenHash = initial.version();
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
    if (file == null) {
      return false;
    }
    synchronized (reloadLock) {
      byte[] bytes;
      try {
        bytes = TrustBundles.readBounded(file);
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().equals(lastReadError)) { // log a lasting problem once, not every poll
          LOG.warn("keeping the last good trust bundle: {}", e.getMessage());
        }
        lastReadError = e.getMessage();
        return false;
      }
      lastReadError = null;
      String hash = Hashing.sha256Tagged(bytes);
      if (hash.equals(lastSeenHash)) {
        return false;
      }
      lastSeenHash = hash;
      if (hash.equals(current.get().version())) {
        return false; // back to the content in use, e.g. after a bad write was undone
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
