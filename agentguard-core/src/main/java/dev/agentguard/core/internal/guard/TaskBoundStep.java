package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import java.util.function.Supplier;

/**
 * Step 2: an open task of this guard is bound to the calling thread, else {@code NO_TASK}. The call
 * is marked in flight on the task before the task's state is read, so a concurrent close either
 * sees the call (and waits for it) or the call sees the close (and is denied).
 */
final class TaskBoundStep implements CallStep {
  static final Decision NO_TASK = Decision.deny(DenyCode.NO_TASK,
      "no open task of this guard is bound to the calling thread");

  private final Supplier<TaskImpl> bound;

  TaskBoundStep(Supplier<TaskImpl> bound) {
    this.bound = bound;
  }

  @Override
  public Decision check(Call call) {
    TaskImpl task = bound.get();
    if (task == null || task.isClosed()) {
      return NO_TASK;
    }
    task.enterCall();
    if (task.isClosed()) {
      task.exitCall();
      return NO_TASK;
    }
    call.enteredOn(task);
    return null;
  }
}
