package dev.agentguard.core.secret;

import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import dev.agentguard.SecretValue;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory broker of this test's own: a "server" that knows which principals may log in, with
 * switches to fail issue or revoke, block an issue, or return a lease that outlives its task. It
 * implements the SPI; it does not stand in for a database (the PostgreSQL and Redis brokers are tested
 * against real servers in their modules).
 */
final class RecordingBroker implements SecretBroker {
  final Set<String> live = ConcurrentHashMap.newKeySet();
  final List<LeaseRequest> requests = new CopyOnWriteArrayList<>();
  final List<String> secretsIssued = new CopyOnWriteArrayList<>();
  final AtomicInteger revokes = new AtomicInteger();
  volatile boolean failIssue;
  volatile int failRevokes;
  volatile CountDownLatch blockIssue;
  volatile Duration outlive = Duration.ZERO;
  private final SecureRandom random = new SecureRandom();

  @Override
  public String kind() {
    return "recording";
  }

  @Override
  public SecretLease issue(LeaseRequest request) throws Exception {
    requests.add(request);
    CountDownLatch block = blockIssue;
    if (block != null) {
      block.await(10, TimeUnit.SECONDS);
    }
    if (failIssue) {
      throw new java.net.ConnectException("refused");
    }
    byte[] b = new byte[12];
    random.nextBytes(b);
    String principal = "p_" + HexFormat.of().formatHex(b, 0, 4);
    String secret = "S3CRET" + HexFormat.of().formatHex(b);
    secretsIssued.add(secret);
    live.add(principal);
    return SecretLease.of("lease-" + principal, principal, request.notAfter().plus(outlive),
        Map.of("url", "mem://" + request.secret()), SecretValue.of(secret.toCharArray()));
  }

  @Override
  public void revoke(SecretLease lease) throws Exception {
    revokes.incrementAndGet();
    if (failRevokes > 0) {
      failRevokes--;
      throw new java.io.IOException("server unreachable");
    }
    live.remove(lease.principal());
  }
}
