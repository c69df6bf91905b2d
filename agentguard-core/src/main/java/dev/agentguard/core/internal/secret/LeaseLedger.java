package dev.agentguard.core.internal.secret;

import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.LeaseRequest;
import dev.agentguard.SecretBroker;
import dev.agentguard.SecretLease;
import dev.agentguard.ToolCall;
import dev.agentguard.internal.CallScope;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's leases of per-task secrets. Which tool may use which secret is declared
 * ({@code @AgentTool(secrets = ...)} or the builder's tool mapping), never guessed. A lease is issued
 * when the first allowed call of a declaring tool in a task is decided ({@link #acquire}, the last
 * decision step: a broker that cannot issue denies the call before its body runs), reused by the
 * task's later calls, handed to the tool body through {@link ToolCall#current()} while the body runs
 * ({@link #runBound}), and revoked when the task ends ({@link #end}): closed, revoked, or expired
 * (found by {@link #sweep}).
 *
 * <p>Only a guard with at least one broker has a ledger; a guard without pays nothing. Thread-safe.
 *
 * @since 0.2.0
 */
public final class LeaseLedger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLedger.class);

  /** The body of a tool call. */
  @FunctionalInterface
  public interface Body {
    /** Runs it. */
    Object run() throws Throwable;
  }

  /** The guard refused what a broker issued; the message is the guard's own, safe to record. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, SecretBroker> brokers;
  private final Map<String, Set<String>> declarations = new ConcurrentHashMap<>();
  private final Map<String, TaskLeases> tasks = new ConcurrentHashMap<>();
  private final String instanceId;
  private final Clock clock;
  private final long issueTimeoutNanos;
  private final LeaseAudit audit;
  private final ExecutorService issuers;
  private final RevokeRetries retries;

  private LeaseLedger(SecretsConfig config, String instanceId, Clock clock, LeaseAudit audit) {
    this.brokers = config.brokers();
    this.declarations.putAll(config.toolSecrets());
    this.instanceId = instanceId;
    this.clock = clock;
    this.issueTimeoutNanos = config.issueTimeout().toNanos();
    this.audit = audit;
    this.issuers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "agentguard-secret-issuer");
      t.setDaemon(true);
      return t;
    });
    this.retries = new RevokeRetries(clock, audit, config.retryBackoff(), config.sweepInterval(), this::sweep);
  }

  /**
   * Opens every broker ({@link SecretBroker#open}) and starts the ledger; {@code null} when no broker
   * is configured.
   *
   * @throws IllegalStateException when a broker fails to open (the guard does not start)
   */
  public static LeaseLedger start(SecretsConfig config, String instanceId, Clock clock, LeaseAudit audit) {
    if (config.brokers().isEmpty()) {
      return null;
    }
    List<SecretBroker> opened = new ArrayList<>();
    for (Map.Entry<String, SecretBroker> e : config.brokers().entrySet()) {
      try {
        e.getValue().open(instanceId);
        opened.add(e.getValue());
      } catch (Exception ex) {
        opened.forEach(SecretBroker::close);
        throw new IllegalStateException("secret broker '" + e.getKey() + "' (" + e.getValue().kind()
            + ") could not be opened: " + ex.getClass().getName() + "; check that its server is reachable and "
            + "the broker's admin login has the documented grants (docs/secrets.md)", ex);
      }
    }
    return new LeaseLedger(config, instanceId, clock, audit);
  }

  /**
   * Records the secrets an annotated tool declares.
   *
   * @throws IllegalArgumentException when a secret has no broker, or the tool name was already
   *     declared with other secrets
   */
  public void declare(String tool, String[] secrets) {
    if (secrets.length == 0) {
      return; // declares nothing; a builder mapping for the name still applies
    }
    Set<String> names = Set.copyOf(new LinkedHashSet<>(Arrays.asList(secrets)));
    for (String s : names) {
      SecretsConfig.requireBroker(brokers, tool, s);
    }
    Set<String> before = declarations.putIfAbsent(tool, names);
    if (before != null && !before.equals(names)) {
      throw new IllegalArgumentException("tool " + tool + " declares secrets " + new java.util.TreeSet<>(names)
          + " but was already declared with " + new java.util.TreeSet<>(before) + "; one tool name, one set of secrets");
    }
  }

  /**
   * Fails when a tool declares secrets but the guard has no ledger (no broker configured).
   *
   * @throws IllegalArgumentException naming the tool, the secret and the fix
   */
  public static void requireNone(String tool, String[] secrets) {
    if (secrets.length > 0) {
      SecretsConfig.requireBroker(Map.of(), tool, secrets[0]);
    }
  }

  /**
   * Obtains the leases of every secret {@code tool} declares for {@code task}: reuses the task's
   * lease, or issues one and waits for it at most the issue timeout.
   *
   * @return {@code null} when the call may run, else why it is denied ({@code SECRET_UNAVAILABLE});
   *     the reason names the secret, the broker kind and the failure's type, never its message
   */
  public String acquire(AgentTask task, String tool) {
    Set<String> secrets = declarations.get(tool);
    if (secrets == null || secrets.isEmpty()) {
      return null;
    }
    long deadline = System.nanoTime() + issueTimeoutNanos;
    for (String secret : secrets) {
      String refused = acquire(task, tool, secret, deadline);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  private String acquire(AgentTask task, String tool, String secret, long deadline) {
    TaskLeases leases = tasks.computeIfAbsent(task.id(), id -> new TaskLeases(task));
    SecretBroker broker = brokers.get(secret);
    boolean[] added = {false};
    Lease lease = leases.getOrAdd(secret, () -> new Lease(leases, secret, tool, broker,
        new LeaseRequest(secret, instanceId, task.id(), task.agent().id(), task.credential().expiresAt())), added);
    if (lease == null) {
      return "the task ended; no secret '" + secret + "' is issued for it";
    }
    if (added[0]) {
      if (leases.ended() || !task.isOpen()) { // the task ended before its end() could see this lease
        leases.drop(lease);
        return "the task ended; no secret '" + secret + "' is issued for it";
      }
      issue(lease);
      if (tasks.size() > 1) {
        retries.sweepSoon();
      }
    }
    try {
      SecretLease issued = lease.issued.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      synchronized (leases) {
        if (lease.ended || lease.lease != issued) {
          return "the lease of secret '" + secret + "' was revoked (the task ended or was revoked)";
        }
      }
      return null;
    } catch (TimeoutException e) {
      leases.drop(lease); // the broker may still answer: issued() then revokes what it returns
      LOG.warn("secret broker '{}' ({}) did not issue within the timeout; call of {} denied", secret, broker.kind(), tool);
      return "secret '" + secret + "' (" + broker.kind() + ") was not issued within the timeout";
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Refused r) {
        return "secret '" + secret + "' (" + broker.kind() + ") was refused: " + r.getMessage();
      }
      return "secret '" + secret + "' (" + broker.kind() + ") could not be issued: " + e.getCause().getClass().getName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while secret '" + secret + "' was being issued";
    }
  }

  /** Starts the broker's issue on an issuer thread; {@link #issued} takes the answer. */
  private void issue(Lease lease) {
    CompletableFuture.runAsync(() -> {
      SecretLease issued;
      try {
        issued = lease.broker.issue(lease.request);
        if (issued == null) {
          throw new IllegalStateException("the broker returned no lease");
        }
      } catch (Throwable t) {
        lease.owner.drop(lease);
        LOG.warn("secret broker '{}' ({}) could not issue a lease for task {}: {}", lease.secret, lease.broker.kind(),
            lease.task.id(), t.getClass().getName());
        lease.issued.completeExceptionally(t);
        return;
      }
      issued(lease, issued);
    }, issuers);
  }

  /** Takes an issued lease: keeps it, or revokes it when it came too late or would outlive its task. */
  private void issued(Lease lease, SecretLease issued) {
    Instant notAfter = lease.request.notAfter();
    boolean outlives = issued.expiresAt().isAfter(notAfter);
    boolean keep;
    synchronized (lease.owner) {
      keep = !lease.ended && !outlives;
      if (keep) {
        lease.lease = issued;
      }
    }
    audit.lease(AuditEvent.SECRET_ISSUED, lease.task, lease.tool, lease.secret, lease.broker.kind(), issued, null, null);
    if (keep) {
      lease.issued.complete(issued);
      return;
    }
    lease.owner.drop(lease);
    String reason = outlives ? "the lease would outlive its task (expires " + issued.expiresAt() + ", task " + notAfter + ")"
        : "issued after the call stopped waiting or the task ended";
    revoke(lease, issued, reason); // before the waiting call hears of it: the deny comes after the revoke
    lease.issued.completeExceptionally(new Refused(reason));
  }

  /**
   * Runs a tool body with its call bound to this thread, so {@link ToolCall#current()} finds it; the
   * previous binding (an outer call) is restored afterwards, and the call's handle gives out nothing
   * once the body returned.
   */
  public Object runBound(AgentTask task, String tool, Body body) throws Throwable {
    Set<String> declared = declarations.getOrDefault(tool, Set.of());
    BoundCall call = new BoundCall(this, task, tool, declared);
    ToolCall before = CallScope.bind(call);
    try {
      return body.run();
    } finally {
      call.end();
      CallScope.bind(before);
    }
  }

  /** The live lease of {@code secret} for {@code task}, or null. */
  SecretLease live(AgentTask task, String secret) {
    TaskLeases leases = tasks.get(task.id());
    if (leases == null) {
      return null;
    }
    synchronized (leases) {
      Lease l = leases.get(secret);
      if (l == null || l.ended || l.lease == null || !clock.instant().isBefore(l.lease.expiresAt())) {
        return null;
      }
      return l.lease;
    }
  }

  /** Revokes every lease of {@code task} (it closed or was revoked); no later call gets one. */
  public void end(AgentTask task, String reason) {
    TaskLeases leases = tasks.remove(task.id());
    if (leases == null) {
      return;
    }
    for (Lease l : leases.end()) {
      SecretLease issued;
      synchronized (leases) {
        issued = l.lease;
      }
      if (issued != null) {
        revoke(l, issued, reason);
      }
    }
  }

  /** Revokes the leases of every task {@code affected} selects (revocation by agent or credential). */
  public void endWhere(Predicate<AgentTask> affected, String reason) {
    for (TaskLeases leases : tasks.values()) {
      if (affected.test(leases.task)) {
        end(leases.task, reason);
      }
    }
  }

  /**
   * Revokes the leases of tasks whose credential expired or that are no longer open (closed, or
   * revoked through the revocation store, also by another guard of the fleet). Runs periodically and
   * from the guard's sweep of expired tasks.
   */
  public void sweep() {
    Instant now = clock.instant();
    for (TaskLeases leases : tasks.values()) {
      AgentTask t = leases.task;
      if (!now.isBefore(t.credential().expiresAt())) {
        end(t, "task expired");
      } else if (!t.isOpen()) {
        end(t, "task revoked");
      }
    }
  }

  private void revoke(Lease lease, SecretLease issued, String reason) {
    issued.secret().wipe();
    retries.revoke(lease, issued, reason);
  }

  /** Revokes every remaining lease, stops the background threads and closes the brokers. */
  @Override
  public void close() {
    for (TaskLeases leases : new ArrayList<>(tasks.values())) {
      end(leases.task, "guard closed");
    }
    retries.close();
    issuers.shutdownNow();
    for (SecretBroker b : brokers.values()) {
      try {
        b.close();
      } catch (RuntimeException e) {
        LOG.warn("closing secret broker {} failed: {}", b.kind(), e.getClass().getName());
      }
    }
  }
}
