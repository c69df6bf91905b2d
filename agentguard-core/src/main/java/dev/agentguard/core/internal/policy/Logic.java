package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Err;
import dev.agentguard.core.internal.policy.Expr.Val;

import static dev.agentguard.core.internal.policy.Expr.ERROR;
import static dev.agentguard.core.internal.policy.Expr.FALSE;
import static dev.agentguard.core.internal.policy.Expr.TRUE;
import static dev.agentguard.core.internal.policy.ErrorText.typeName;

/** The boolean structure of conditions: constants, {@code !}, Kleene {@code &&}/{@code ||}, and a value used as a condition. */
final class Logic {
  private Logic() {}

  static final class Const extends Cond {
    static final Const TRUE_C = new Const(true);
    static final Const FALSE_C = new Const(false);
    final boolean value;

    private Const(boolean value) {
      this.value = value;
      this.text = String.valueOf(value);
    }

    @Override
    int test(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      return value ? TRUE : FALSE;
    }

    @Override
    String why(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      return "no error";
    }
  }

  static final class Not extends Cond {
    final Cond c;

    Not(Cond c) {
      this.c = c;
    }

    @Override
    int test(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      int v = c.test(a, r, t, now);
      return v == ERROR ? ERROR : 1 - v;
    }

    @Override
    String why(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      return c.why(a, r, t, now);
    }
  }

  /**
   * {@code &&} and {@code ||} under Kleene logic: the operand value that decides alone
   * ({@code false} for {@code &&}, {@code true} for {@code ||}) wins over errors, so the result never
   * depends on operand order.
   */
  static final class Junction extends Cond {
    final Cond[] cs;
    final int decisive;

    private Junction(Cond[] cs, int decisive) {
      this.cs = cs;
      this.decisive = decisive;
    }

    /** {@code a && b && ...}. */
    static Junction and(Cond[] cs) {
      return new Junction(cs, FALSE);
    }

    /** {@code a || b || ...}. */
    static Junction or(Cond[] cs) {
      return new Junction(cs, TRUE);
    }

    @Override
    int test(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      boolean err = false;
      for (Cond c : cs) {
        int v = c.test(a, r, t, now);
        if (v == decisive) {
          return decisive;
        }
        if (v == ERROR) {
          err = true;
        }
      }
      return err ? ERROR : 1 - decisive;
    }

    @Override
    String why(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      for (Cond c : cs) {
        if (c.test(a, r, t, now) == ERROR) {
          return c.why(a, r, t, now);
        }
      }
      return "no error";
    }
  }

  /** A value used as a condition: must be a boolean. */
  static final class BoolVal extends Cond {
    final Val v;

    BoolVal(Val v) {
      this.v = v;
    }

    @Override
    int test(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      Object o = v.get(a, r, t, now);
      if (o == Boolean.TRUE) {
        return TRUE;
      }
      if (o == Boolean.FALSE) {
        return FALSE;
      }
      if (o instanceof Boolean) {
        return ((Boolean) o) ? TRUE : FALSE;
      }
      return ERROR;
    }

    @Override
    String why(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      Object o = v.get(a, r, t, now);
      if (o instanceof Err) {
        return v.text + " " + ((Err) o).what;
      }
      return v.text + " is a " + typeName(o) + ", expected a boolean";
    }
  }
}
