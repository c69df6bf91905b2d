package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Err;
import dev.agentguard.core.internal.policy.Expr.Val;
import dev.agentguard.core.internal.Glob;
import java.util.Collection;

import static dev.agentguard.core.internal.policy.Expr.ERROR;
import static dev.agentguard.core.internal.policy.Expr.FALSE;
import static dev.agentguard.core.internal.policy.Expr.TRUE;
import static dev.agentguard.core.internal.policy.ErrorText.explainMethod;
import static dev.agentguard.core.internal.policy.ErrorText.typeName;
import static dev.agentguard.core.internal.policy.Semantics.member;

/** Method-call nodes: {@code contains}, {@code startsWith}, {@code endsWith}, {@code matches}, {@code isWithin}. */
final class StringMethods {
  private StringMethods() {}

  /** {@code s.contains(x)}: substring when s is a string, membership when s is a list. */
  static final class Contains extends Cond {
    final Val recv;
    final Val arg;

    Contains(Val recv, Val arg) {
      this.recv = recv;
      this.arg = arg;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      Object x = arg.get(a, q, t, now);
      if (x instanceof Err) {
        return ERROR;
      }
      if (s instanceof String) {
        return x instanceof String ? (((String) s).contains((String) x) ? TRUE : FALSE) : ERROR;
      }
      if (s instanceof Collection) {
        return member(x, (Collection<?>) s);
      }
      return ERROR;
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return explainMethod("contains", recv, recv.get(a, q, t, now), arg, arg.get(a, q, t, now));
    }
  }

  static final class StartsEnds extends Cond {
    final boolean starts;
    final Val recv;
    final Val arg;

    StartsEnds(boolean starts, Val recv, Val arg) {
      this.starts = starts;
      this.recv = recv;
      this.arg = arg;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      Object x = arg.get(a, q, t, now);
      if (!(s instanceof String) || !(x instanceof String)) {
        return ERROR;
      }
      boolean b = starts ? ((String) s).startsWith((String) x) : ((String) s).endsWith((String) x);
      return b ? TRUE : FALSE;
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return explainMethod(starts ? "startsWith" : "endsWith", recv, recv.get(a, q, t, now), arg,
          arg.get(a, q, t, now));
    }
  }

  static final class Matches extends Cond {
    final Val recv;
    final Glob glob;

    Matches(Val recv, Glob glob) {
      this.recv = recv;
      this.glob = glob;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      if (!(s instanceof String)) {
        return ERROR;
      }
      return glob.matches((String) s) ? TRUE : FALSE;
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      if (s instanceof Err) {
        return recv.text + " " + ((Err) s).what;
      }
      return recv.text + " is a " + typeName(s) + ", matches() needs a string";
    }
  }

  /** {@code s.isWithin('/base')}: lexical, segment-aware path confinement ({@link PathConfinement}). */
  static final class IsWithin extends Cond {
    final Val recv;
    final PathConfinement base;

    IsWithin(Val recv, PathConfinement base) {
      this.recv = recv;
      this.base = base;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      if (!(s instanceof String)) {
        return ERROR;
      }
      return base.test((String) s);
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object s = recv.get(a, q, t, now);
      if (s instanceof Err) {
        return recv.text + " " + ((Err) s).what;
      }
      if (!(s instanceof String)) {
        return recv.text + " is a " + typeName(s) + ", isWithin() needs a string";
      }
      return recv.text + " is not a well-formed path (a control character, a malformed or double "
          + "percent-encoding, or invalid UTF-8)";
    }
  }
}
