package dev.agentguard.core.internal.guard;

import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskCredential;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.internal.Glob;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A running task of one guard: its credential, compiled scopes and the history policies read. */
final class TaskImpl implements AgentTask {
  /** Scope matches are cached for at most this many distinct tool names per task. */
  private static final int MAX_CACHED_SCOPE_MATCHES = 256;

  private final GuardImpl guard;
  private final String id;
  private final TaskSpec spec;
  private final TaskCredential credential;
  private final long issueSeq;
  private final long issuedAtMillis;
  private final long expiresAtMillis;
  private final Glob[] scopes;
  private final TaskImpl previousBinding;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<String> toolsCalled = ConcurrentHashMap.newKeySet();
  private final Set<String> toolsCalledView = Collections.unmodifiableSet(toolsCalled);
  private volatile String lastTool;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicInteger maxSensitivity = new AtomicInteger(Sensitivity.PUBLIC.ordinal());
  private final ConcurrentHashMap<String, AtomicLong> limitCounts = new ConcurrentHashMap<>();
  /** Scope matches per tool name, computed once per task (the credential's scopes never change). */
  private final ConcurrentHashMap<String, Boolean> scopeMatches = new ConcurrentHashMap<>();
  /** Calls in flight, from the task check until their outcome is recorded. */
  private final InFlightCalls inFlight = new InFlightCalls();
  private final Object inFlightMonitor = new Object();
  /** The revocation store version at which this task was last found unrevoked (see {@link Revocations}). */
  volatile Long cleanRevocationVersion;
  /** The store's revocation count of this task's agent when it started (see {@link Revocations}). */
  volatile long agentRevocationCountAtStart;

  TaskImpl(GuardImpl guard, String id, TaskSpec spec, TaskCredential credential, long issueSeq,
      TaskImpl previousBinding) {
    this.guard = guard;
    this.id = id;
    this.spec = spec;
    this.credential = credential;
    this.issueSeq = issueSeq;
    this.issuedAtMillis = credential.issuedAt().toEpochMilli();
    this.expiresAtMillis = credential.expiresAt().toEpochMilli();
    this.previousBinding = previousBinding;
    List<String> globs = credential.scopes();
    this.scopes = new Glob[globs.size()];
    for (int i = 0; i < scopes.length; i++) {
      scopes[i] = Glob.compile(globs.get(i));
    }
  }

  long issueSeq() {
    return issueSeq;
  }

  long issuedAtMillis() {
    return issuedAtMillis;
  }

  long expiresAtMillis() {
    return expiresAtMillis;
  }

  TaskImpl previousBinding() {
    return previousBinding;
  }

  @Override
  public boolean inScope(String tool) {
    Boolean cached = scopeMatches.get(tool);
    if (cached != null) {
      return cached;
    }
    boolean match = Glob.anyMatches(scopes, tool);
    if (scopeMatches.size() < MAX_CACHED_SCOPE_MATCHES) {
      scopeMatches.put(tool, match);
    }
    return match;
  }

  /** Marks a call of the current thread as in flight on this task. */
  void enterCall() {
    inFlight.enter();
  }

  /** Ends an in-flight mark of the current thread and wakes a close that waits for it. */
  void exitCall() {
    inFlight.exit();
    if (closed.get()) {
      synchronized (inFlightMonitor) {
        inFlightMonitor.notifyAll();
      }
    }
  }

  /**
   * Waits until no call of another thread is in flight on this task, at most until
   * {@code deadlineNanos} ({@link System#nanoTime()}). Calls of the current thread (a tool that
   * closes its own task) are not waited for.
   *
   * @return how many calls of other threads are still in flight
   */
  long awaitCallsOfOtherThreads(long deadlineNanos) {
    synchronized (inFlightMonitor) {
      long others;
      while ((others = inFlight.ofOtherThreads()) > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return others;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(inFlightMonitor, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Math.max(0, inFlight.ofOtherThreads());
        }
      }
      return 0;
    }
  }

  AtomicLong limitCount(String limitId) {
    return limitCounts.computeIfAbsent(limitId, k -> new AtomicLong());
  }

  /** Counts an admitted call (allowed and taken by the audit trail). */
  void recordAllowed() {
    calls.incrementAndGet();
  }

  /** Records a successful call: the tool and the sensitivity it touched. */
  void recordSuccess(String tool, Sensitivity touched) {
    // lastTool is written after the add below, so the same name object there means it is in the set
    if (lastTool != tool && !toolsCalled.contains(tool)) { // a lookup: the add of a present key costs more
      toolsCalled.add(tool);
    }
    if (lastTool != tool) { // skips the volatile write (a fence) when the same tool name object repeats
      lastTool = tool;
    }
    int rank = touched.ordinal();
    int current;
    while ((current = maxSensitivity.get()) < rank && !maxSensitivity.compareAndSet(current, rank)) {
      // retry: another thread raised it concurrently
    }
  }

  /** Marks the task closed; true only for the first caller. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public AgentIdentity agent() {
    return spec.agent();
  }

  @Override
  public TaskCredential credential() {
    return credential;
  }

  @Override
  public boolean isOpen() {
    return !closed.get() && !guard.isRevoked(this);
  }

  @Override
  public String purpose() {
    return spec.purpose();
  }

  @Override
  public String onBehalfOf() {
    return spec.onBehalfOf();
  }

  @Override
  public Set<String> toolsCalled() {
    return toolsCalledView;
  }

  @Override
  public String lastTool() {
    return lastTool;
  }

  @Override
  public long calls() {
    return calls.get();
  }

  @Override
  public Sensitivity maxSensitivity() {
    return Sensitivity.values()[maxSensitivity.get()];
  }

  @Override
  public long startedAtMillis() {
    return issuedAtMillis;
  }

  @Override
  public Map<String, Object> context() {
    return spec.context();
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public Runnable wrap(Runnable r) {
    return () -> {
      TaskImpl before = guard.bind(this);
      try {
        r.run();
      } finally {
        guard.restore(before);
      }
    };
  }

  @Override
  public <V> Callable<V> wrap(Callable<V> c) {
    return () -> {
      TaskImpl before = guard.bind(this);
      try {
        return c.call();
      } finally {
        guard.restore(before);
      }
    };
  }

  @Override
  public void close() {
    guard.closeTask(this);
  }

  @Override
  public String toString() {
    return "AgentTask{" + id + ", agent=" + spec.agent().id() + ", closed=" + closed.get() + "}";
  }
}
