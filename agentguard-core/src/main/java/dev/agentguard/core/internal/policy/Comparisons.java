package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Err;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.Collection;

import static dev.agentguard.core.internal.policy.Expr.ERROR;
import static dev.agentguard.core.internal.policy.ErrorText.explainCompare;
import static dev.agentguard.core.internal.policy.ErrorText.typeName;
import static dev.agentguard.core.internal.policy.Expr.OP_NAMES;
import static dev.agentguard.core.internal.policy.Semantics.compare;
import static dev.agentguard.core.internal.policy.Semantics.member;

/** Comparison nodes: {@code ==, !=, <, <=, >, >=} and the two forms of {@code in}. */
final class Comparisons {
  private Comparisons() {}

  static final class Cmp extends Cond {
    final int op;
    final Val l;
    final Val r;

    Cmp(int op, Val l, Val r) {
      this.op = op;
      this.l = l;
      this.r = r;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return compare(op, l.get(a, q, t, now), r.get(a, q, t, now));
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return explainCompare(OP_NAMES[op], l, l.get(a, q, t, now), r, r.get(a, q, t, now));
    }
  }

  /** {@code x in [literal, ...]}: membership using {@code ==}, Kleene-or over the elements. */
  static final class InList extends Cond {
    final Val l;
    final java.util.List<Object> elemList;
    final Val list;

    InList(Val l, Object[] elems, Val list) {
      this.l = l;
      this.elemList = java.util.Arrays.asList(elems);
      this.list = list;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = l.get(a, q, t, now);
      if (x instanceof Err) {
        return ERROR;
      }
      return member(x, elemList);
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = l.get(a, q, t, now);
      if (x instanceof Err) {
        return l.text + " " + ((Err) x).what;
      }
      return "cannot compare " + l.text + " (a " + typeName(x) + ") with the elements of " + list.text;
    }
  }

  /** {@code x in attribute} (a list attribute) or {@code attribute.contains(x)}. */
  static final class InValue extends Cond {
    final Val elem;
    final Val coll;

    InValue(Val elem, Val coll) {
      this.elem = elem;
      this.coll = coll;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = elem.get(a, q, t, now);
      Object c = coll.get(a, q, t, now);
      if (x instanceof Err || !(c instanceof Collection)) {
        return ERROR;
      }
      return member(x, (Collection<?>) c);
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = elem.get(a, q, t, now);
      Object c = coll.get(a, q, t, now);
      if (x instanceof Err) {
        return elem.text + " " + ((Err) x).what;
      }
      if (c instanceof Err) {
        return coll.text + " " + ((Err) c).what;
      }
      if (!(c instanceof Collection)) {
        return coll.text + " is a " + typeName(c) + ", expected a list";
      }
      return "cannot compare " + elem.text + " (a " + typeName(x) + ") with the elements of " + coll.text;
    }
  }
}
