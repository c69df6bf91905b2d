package dev.agentguard.core.internal.guard;

import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import java.util.function.BooleanSupplier;

/** Step 1: the guard is open, else {@code AUDIT_UNAVAILABLE} (a closed guard can no longer record). */
final class GuardOpenStep implements CallStep {
  static final Decision GUARD_CLOSED = Decision.deny(DenyCode.AUDIT_UNAVAILABLE, "the guard is closed");

  private final BooleanSupplier closed;

  GuardOpenStep(BooleanSupplier closed) {
    this.closed = closed;
  }

  @Override
  public Decision check(Call call) {
    return closed.getAsBoolean() ? GUARD_CLOSED : null;
  }
}
