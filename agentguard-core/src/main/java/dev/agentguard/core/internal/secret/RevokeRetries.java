package dev.agentguard.core.internal.secret;

import dev.agentguard.AuditEvent;
import dev.agentguard.SecretLease;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes leases: once in the caller's thread (so a closed task's login is refused when
 * {@code close()} returns), and on failure again in the background with exponential backoff until it
 * succeeds or the lease's own server-side expiry has passed. A failure is logged and recorded
 * ({@code secret.revoke_failed}) once per lease; the eventual success is recorded
 * ({@code secret.revoked}). Also runs the ledger's periodic sweep. Thread-safe.
 */
final class RevokeRetries {
  private static final Logger LOG = LoggerFactory.getLogger(RevokeRetries.class);

  private final Clock clock;
  private final LeaseAudit audit;
  private final long backoffMillis;
  private final Runnable sweep;
  private final ScheduledThreadPoolExecutor scheduler;
  private final AtomicBoolean sweepQueued = new AtomicBoolean();

  RevokeRetries(Clock clock, LeaseAudit audit, Duration backoff, Duration sweepInterval, Runnable sweep) {
    this.clock = clock;
    this.audit = audit;
    this.backoffMillis = backoff.toMillis();
    this.sweep = sweep;
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "agentguard-secret-revoker");
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    long every = sweepInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::runSweep, every, every, TimeUnit.MILLISECONDS);
  }

  /** Revokes now; on failure records it and schedules retries. */
  void revoke(Lease lease, SecretLease issued, String reason) {
    attempt(lease, issued, reason, 0);
  }

  private void attempt(Lease lease, SecretLease issued, String reason, int failures) {
    try {
      lease.broker.revoke(issued);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError vm) {
        throw vm;
      }
      failed(lease, issued, reason, failures, t);
      return;
    }
    audit.lease(AuditEvent.SECRET_REVOKED, lease.task, null, lease.secret, lease.broker.kind(), issued,
        failures == 0 ? reason : reason + " (after " + failures + " failed attempt(s))", null);
  }

  private void failed(Lease lease, SecretLease issued, String reason, int failures, Throwable t) {
    if (failures == 0) {
      LOG.warn("revoking lease {} ({} '{}', principal {}) failed: {}; retrying in the background until it "
          + "expires on the server at {}", issued.id(), lease.broker.kind(), lease.secret, issued.principal(),
          t.getClass().getName(), issued.expiresAt());
      audit.lease(AuditEvent.SECRET_REVOKE_FAILED, lease.task, null, lease.secret, lease.broker.kind(), issued,
          reason + "; retrying until the lease expires on the server", t.getClass().getName());
    }
    if (!clock.instant().isBefore(issued.expiresAt())) {
      LOG.info("lease {} expired on the server before it could be revoked; no more retries", issued.id());
      return;
    }
    long delay = backoffMillis << Math.min(failures, 16);
    delay = Math.min(delay, SecretsConfig.MAX_BACKOFF.toMillis());
    try {
      scheduler.schedule(() -> attempt(lease, issued, reason, failures + 1), delay, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      LOG.info("guard closed with lease {} unrevoked; it expires on the server at {}", issued.id(), issued.expiresAt());
    }
  }

  /** Runs a sweep on the background thread soon (coalesced). */
  void sweepSoon() {
    if (sweepQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::runSweep);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        sweepQueued.set(false);
      }
    }
  }

  private void runSweep() {
    sweepQueued.set(false);
    try {
      sweep.run();
    } catch (RuntimeException e) {
      LOG.warn("sweeping expired secret leases failed: {}", e.toString());
    }
  }

  /** Stops retries and sweeps; leases still unrevoked die at their server-side expiry. */
  void close() {
    int pending = scheduler.getQueue().size() - 1; // minus the periodic sweep
    scheduler.shutdownNow();
    if (pending > 0) {
      LOG.warn("guard closed with {} lease revocation(s) still being retried; those leases expire on the server",
          pending);
    }
  }
}
