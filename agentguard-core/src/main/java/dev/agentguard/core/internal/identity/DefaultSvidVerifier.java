package dev.agentguard.core.internal.identity;

import dev.agentguard.AgentIdentity;
import dev.agentguard.IdentityException;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.TrustBundle;
import java.nio.file.Path;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link SvidVerifier} implementation. Thread-safe. */
public final class DefaultSvidVerifier implements SvidVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultSvidVerifier.class);

  // AgentIdentity hands attestors to this class only (checked by caller class): keep these here
  private static final AgentIdentity.Attestor JWT = AgentIdentity.Attestor.forVerifier("jwt-svid");
  private static final AgentIdentity.Attestor X509 = AgentIdentity.Attestor.forVerifier("x509-svid");

  private final Map<String, BundleSource> sources; // by trust domain, fixed at build
  private final String audience;
  private final Clock clock;
  private final long leewayMillis;
  private final PKIXCertPathChecker revocationChecker;
  private final ScheduledExecutorService watcher;

  /**
   * Builds the verifier and loads every bundle.
   *
   * @param bundleFiles files by configured trust domain (a null key: the file names its own)
   * @throws IllegalArgumentException when a bundle cannot be loaded or two bundles share a trust domain
   */
  public DefaultSvidVerifier(List<Map.Entry<String, Path>> bundleFiles, List<TrustBundle> bundles,
      String audience, Clock clock, Duration leeway, Duration pollInterval, PKIXCertPathChecker revocationChecker) {
    List<BundleSource> all = new ArrayList<>();
    for (Map.Entry<String, Path> f : bundleFiles) {
      all.add(BundleSource.file(f.getKey(), f.getValue()));
    }
    for (TrustBundle b : bundles) {
      all.add(BundleSource.fixed(b));
    }
    Map<String, BundleSource> byDomain = new LinkedHashMap<>();
    for (BundleSource s : all) {
      if (byDomain.put(s.trustDomain(), s) != null) {
        throw new IllegalArgumentException("two trust bundles for trust domain '" + s.trustDomain() + "'");
      }
    }
    this.sources = Collections.unmodifiableMap(byDomain);
    this.audience = audience;
    this.clock = clock;
    this.leewayMillis = leeway.toMillis();
    this.revocationChecker = revocationChecker;
    boolean anyFile = all.stream().anyMatch(BundleSource::watchesFile);
    if (anyFile && !pollInterval.isZero()) {
      this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentguard-trust-bundle-watcher");
        t.setDaemon(true);
        return t;
      });
      long ms = pollInterval.toMillis();
      watcher.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      this.watcher = null;
    }
  }

  private void pollQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warn("trust bundle poll failed; keeping the last good bundles", e);
    }
  }

  private TrustBundles.TrustBundleImpl bundleFor(String trustDomain) {
    BundleSource s = sources.get(trustDomain);
    return s == null ? null : s.current();
  }

  @Override
  public AgentIdentity verifyJwtSvid(String token) {
    if (audience == null) {
      throw new IllegalStateException("no audience configured; set SvidVerifier.Builder.audience(...)");
    }
    String id = JwtSvids.verify(token, this::bundleFor, audience, clock.millis(), leewayMillis);
    return mint(JWT, id);
  }

  @Override
  public AgentIdentity verifyX509Svid(List<X509Certificate> chain) {
    String id = X509Svids.verify(chain, this::bundleFor, clock.millis(), revocationChecker);
    return mint(X509, id);
  }

  @Override
  public boolean reload() {
    boolean changed = false;
    for (BundleSource s : sources.values()) {
      changed |= s.reload();
    }
    return changed;
  }

  @Override
  public Map<String, TrustBundle> bundles() {
    Map<String, TrustBundle> out = new LinkedHashMap<>();
    sources.forEach((td, s) -> out.put(td, s.current()));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }

  /** The one place that turns a verified SPIFFE ID into a verified identity. */
  private static AgentIdentity mint(AgentIdentity.Attestor attestor, String spiffeId) {
    try {
      return attestor.attest(spiffeId);
    } catch (IllegalArgumentException e) {
      throw new IdentityException(IdentityException.Reason.INVALID_SPIFFE_ID, e.getMessage());
    }
  }
}
