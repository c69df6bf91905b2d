package dev.agentguard.core.internal.approval;

import dev.agentguard.ApprovalAnswer;
import dev.agentguard.ApprovalRequest;
import dev.agentguard.core.ApprovalQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory {@link ApprovalQueue}: pending requests in arrival order, each with the future the
 * guard waits on. A future that completes any other way (the guard cancels it at its deadline)
 * takes its request out of the queue. Thread-safe (one lock; no user code runs under it).
 */
public final class InMemoryApprovalQueue implements ApprovalQueue {
  private record Entry(ApprovalRequest request, CompletableFuture<ApprovalAnswer> answer) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Map<String, Entry> pending = new LinkedHashMap<>();

  /** An empty queue. */
  public InMemoryApprovalQueue() {}

  @Override
  public CompletionStage<ApprovalAnswer> request(ApprovalRequest request) {
    Objects.requireNonNull(request, "request");
    CompletableFuture<ApprovalAnswer> answer = new CompletableFuture<>();
    lock.lock();
    try {
      pending.put(request.id(), new Entry(request, answer));
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    answer.whenComplete((a, t) -> remove(request.id(), answer));
    return answer;
  }

  @Override
  public List<ApprovalRequest> pending() {
    lock.lock();
    try {
      List<ApprovalRequest> out = new ArrayList<>(pending.size());
      for (Entry e : pending.values()) {
        out.add(e.request());
      }
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<ApprovalRequest> awaitPending(Duration wait) throws InterruptedException {
    long nanos = wait.toNanos();
    lock.lock();
    try {
      while (pending.isEmpty()) {
        if (nanos <= 0) {
          return Optional.empty();
        }
        nanos = arrived.awaitNanos(nanos);
      }
      return Optional.of(pending.values().iterator().next().request());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean approve(String approvalId, String approver) {
    return answer(approvalId, ApprovalAnswer.approve(approver));
  }

  @Override
  public boolean approve(String approvalId, int calls, String approver) {
    return answer(approvalId, ApprovalAnswer.approveCalls(calls, approver));
  }

  @Override
  public boolean refuse(String approvalId, String approver) {
    return answer(approvalId, ApprovalAnswer.refuse(approver));
  }

  private boolean answer(String approvalId, ApprovalAnswer a) {
    Objects.requireNonNull(approvalId, "approvalId");
    Entry e;
    lock.lock();
    try {
      e = pending.remove(approvalId);
    } finally {
      lock.unlock();
    }
    return e != null && e.answer().complete(a);
  }

  private void remove(String id, CompletableFuture<ApprovalAnswer> answer) {
    lock.lock();
    try {
      Entry e = pending.get(id);
      if (e != null && e.answer() == answer) {
        pending.remove(id);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "ApprovalQueue{pending=" + pending().size() + "}";
  }
}
