package dev.agentguard.core.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.AuditSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink tests can make fail, stall or slow down. */
final class ControllableSink implements AuditSink {
  volatile boolean failWrites;
  volatile boolean failFlushes;
  volatile CountDownLatch gate;
  volatile long writeNanos;
  final CountDownLatch entered = new CountDownLatch(1);
  final AtomicInteger writeAttempts = new AtomicInteger();
  private final List<AuditEvent> taken = new ArrayList<>();
  private final List<AuditEvent> flushed = new ArrayList<>();

  @Override
  public void write(AuditEvent event) throws Exception {
    writeAttempts.incrementAndGet();
    entered.countDown();
    CountDownLatch g = gate;
    if (g != null && !g.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate never opened");
    }
    if (failWrites) {
      throw new java.io.IOException("disk on fire");
    }
    if (writeNanos > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(writeNanos);
    }
    synchronized (this) {
      taken.add(event);
    }
  }

  @Override
  public synchronized void flush() throws Exception {
    if (failFlushes) {
      throw new java.io.IOException("flush failed");
    }
    flushed.clear();
    flushed.addAll(taken);
  }

  synchronized List<AuditEvent> taken() {
    return List.copyOf(taken);
  }

  synchronized List<AuditEvent> flushed() {
    return List.copyOf(flushed);
  }
}
