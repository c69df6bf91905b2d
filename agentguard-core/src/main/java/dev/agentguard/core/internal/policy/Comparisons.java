package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Err;
import dev.agentguard.core.internal.policy.Expr.Val;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import java.util.Collection;

import static dev.agentguard.core.internal.policy.Expr.ERROR;
import static dev.agentguard.core.internal.policy.Expr.FALSE;
import static dev.agentguard.core.internal.policy.Expr.TRUE;
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

  /**
   * {@code value op literal} where the literal is a string (for {@code ==} and {@code !=}), a
   * sensitivity or a risk: when the value has the literal's class, the comparison is one
   * {@code equals} or one ordinal comparison, as {@link Semantics#compare} decides those; any other
   * value goes through {@link Semantics#compare}, so the result is always the same as {@link Cmp}'s.
   */
  static final class CmpLit extends Cond {
    final int op;
    final Val l;
    final Val r;
    private final Object literal;
    private final Class<?> literalClass;
    private final int ordinal; // of an enum literal; -1 for a string

    private CmpLit(int op, Val l, Val r, Object literal) {
      this.op = op;
      this.l = l;
      this.r = r;
      this.literal = literal;
      this.literalClass = literal.getClass();
      this.ordinal = literal instanceof Enum ? ((Enum<?>) literal).ordinal() : -1;
    }

    /** {@code l op r}: a {@link CmpLit} when {@code r} is a literal it covers, else a {@link Cmp}. */
    static Cond of(int op, Val l, Val r) {
      if (r instanceof ValueNodes.Lit && !(l instanceof ValueNodes.Lit)) {
        Object v = ((ValueNodes.Lit) r).value;
        if (v instanceof Sensitivity || v instanceof Risk
            || (v instanceof String && (op == Expr.EQ || op == Expr.NE))) {
          return new CmpLit(op, l, r, v);
        }
      }
      return new Cmp(op, l, r);
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = l.get(a, q, t, now);
      if (x.getClass() != literalClass) {
        return compare(op, x, literal);
      }
      if (ordinal < 0) {
        return x.equals(literal) == (op == Expr.EQ) ? TRUE : FALSE;
      }
      int c = ((Enum<?>) x).ordinal() - ordinal;
      boolean b;
      switch (op) {
        case Expr.EQ:
          b = c == 0;
          break;
        case Expr.NE:
          b = c != 0;
          break;
        case Expr.LT:
          b = c < 0;
          break;
        case Expr.LE:
          b = c <= 0;
          break;
        case Expr.GT:
          b = c > 0;
          break;
        default:
          b = c >= 0;
      }
      return b ? TRUE : FALSE;
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return explainCompare(OP_NAMES[op], l, l.get(a, q, t, now), r, literal);
    }
  }

  /**
   * {@code x in [string, ...]} over string literals only: a string value is a member exactly when
   * it equals one of them (string equality never errors); any other value goes through
   * {@link Semantics#member}, so the result is always the same as {@link InList}'s.
   */
  static final class InStrings extends Cond {
    /** Longest list scanned in order; longer ones are looked up in a hash set. */
    static final int SCAN = 8;

    /** The same test in general form: its elements, and its explanation of an error. */
    private final InList general;
    private final String[] strings; // when short
    /** The length of each of {@link #strings}: only a string of the same length can equal it. */
    private final int[] lengths;
    private final java.util.Set<String> set; // when long

    private InStrings(InList general, String[] strings) {
      this.general = general;
      this.strings = strings.length <= SCAN ? strings : null;
      this.lengths = strings.length <= SCAN ? java.util.Arrays.stream(strings).mapToInt(String::length).toArray() : null;
      this.set = strings.length <= SCAN ? null : java.util.Set.of(java.util.Arrays.stream(strings).distinct().toArray(String[]::new));
    }

    /** {@code l in [elems]}: an {@link InStrings} when every element is a string, else an {@link InList}. */
    static Cond of(Val l, Object[] elems, Val list) {
      InList general = new InList(l, elems, list);
      String[] strings = new String[elems.length];
      for (int i = 0; i < elems.length; i++) {
        if (!(elems[i] instanceof String)) {
          return general;
        }
        strings[i] = (String) elems[i];
      }
      return new InStrings(general, strings);
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = general.l.get(a, q, t, now);
      if (!(x instanceof String)) {
        return x instanceof Err ? ERROR : member(x, general.elemList);
      }
      if (set != null) {
        return set.contains(x) ? TRUE : FALSE;
      }
      // a value of the model's choosing against a short list: most elements differ in length, so
      // compare lengths first (equal strings have equal lengths) and the characters only on a tie
      String v = (String) x;
      int len = v.length();
      for (int i = 0; i < strings.length; i++) {
        if (lengths[i] == len && strings[i].equals(v)) {
          return TRUE;
        }
      }
      return FALSE;
    }

    @Override
    String why(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      return general.why(a, q, t, now);
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
