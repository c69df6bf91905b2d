package dev.agentguard.core.internal.guard;

import dev.agentguard.core.spi.CallObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's side of a {@link CallObserver}: starts a {@link WatchedCall} per consuming call and
 * keeps the observer from touching a decision. Whatever the observer throws (short of a
 * {@link VirtualMachineError} other than {@link StackOverflowError}) is caught, the first failure is
 * logged once per guard, and the call goes on as decided. A guard without an observer has no
 * {@code CallWatch} at all (the pipeline holds {@code null}), so an unobserved call costs one null
 * check. Thread-safe.
 */
final class CallWatch {
  private static final Logger LOG = LoggerFactory.getLogger(CallWatch.class);

  private final CallObserver observer;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private CallWatch(CallObserver observer) {
    this.observer = observer;
  }

  /** A watch over {@code observer}, or {@code null} when there is none. */
  static CallWatch of(CallObserver observer) {
    return observer == null ? null : new CallWatch(observer);
  }

  /** Starts watching a call of {@code tool}; {@link WatchedCall#NONE} when the observer declines or fails. */
  WatchedCall start(String tool) {
    try {
      CallObserver.Observation o = observer.callStarted(tool);
      return o == null ? WatchedCall.NONE : new WatchedCall(this, o);
    } catch (Throwable t) {
      failed("callStarted", t);
      return WatchedCall.NONE;
    }
  }

  /**
   * Notes an observer failure: logged the first time, ignored after. A {@link StackOverflowError}
   * (an observer recursing) counts as a failure like any exception; other
   * {@link VirtualMachineError}s (out of memory, internal errors) are rethrown.
   */
  void failed(String callback, Throwable t) {
    if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
      throw vme;
    }
    if (failureLogged.compareAndSet(false, true)) {
      LOG.warn("call observer {} failed in {} ({}); calls go on as decided, further observer failures are not logged",
          observer.getClass().getName(), callback, t.getClass().getName());
    }
  }
}
