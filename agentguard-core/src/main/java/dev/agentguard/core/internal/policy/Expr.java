package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.Glob;
import java.util.Collection;
import java.util.List;

/**
 * The compiled form of a {@code when} condition: a tree of small immutable nodes built once at load
 * time. Boolean nodes ({@link Cond}) answer {@link #TRUE}, {@link #FALSE} or {@link #ERROR}
 * (three-valued, Kleene logic); value nodes ({@link Val}) return an attribute or literal value, or
 * an {@link Err} sentinel when it is missing, null or out of range.
 *
 * <p>Evaluation never parses strings, never uses reflection, never throws for control flow and does
 * not allocate except for boxing large task counters. Explanations of errors ({@link Cond#why}) are
 * computed on a slow path only. All nodes are immutable and thread-safe.
 */
final class Expr {
  static final int FALSE = 0;
  static final int TRUE = 1;
  static final int ERROR = 2;

  // static types of value nodes
  static final int T_ANY = 0;
  static final int T_STRING = 1;
  static final int T_NUMBER = 2;
  static final int T_BOOL = 3;
  static final int T_SENS = 4;
  static final int T_RISK = 5;
  static final int T_LIST = 6;

  // comparison operators
  static final int EQ = 0;
  static final int NE = 1;
  static final int LT = 2;
  static final int LE = 3;
  static final int GT = 4;
  static final int GE = 5;
  static final String[] OP_NAMES = {"==", "!=", "<", "<=", ">", ">="};

  private Expr() {}

  /** Why a value is unavailable. */
  static final class Err {
    final String what;

    Err(String what) {
      this.what = what;
    }
  }

  static final Err MISSING = new Err("is missing or null");
  static final Err OVERFLOW = new Err("overflows the long range");
  static final Err NON_FINITE = new Err("is not a finite number");
  static final Err NOT_EVALUATED = new Err("could not be evaluated");

  // ---------------------------------------------------------------- boolean nodes

  /** A boolean node. */
  abstract static class Cond {
    /**
     * The node's source text, set once by the compiler before the tree is published (explanations
     * show it); null only while compiling.
     */
    String text;

    abstract int test(AgentIdentity a, ToolRequest r, TaskState t, long now);

    /** Explains an {@link #ERROR} result; only called on the slow path. */
    abstract String why(AgentIdentity a, ToolRequest r, TaskState t, long now);
  }

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
    final Object[] elems;
    final Val list;

    InList(Val l, Object[] elems, Val list) {
      this.l = l;
      this.elems = elems;
      this.list = list;
    }

    @Override
    int test(AgentIdentity a, ToolRequest q, TaskState t, long now) {
      Object x = l.get(a, q, t, now);
      if (x instanceof Err) {
        return ERROR;
      }
      boolean err = false;
      for (Object e : elems) {
        int v = equal(x, e);
        if (v == TRUE) {
          return TRUE;
        }
        if (v == ERROR) {
          err = true;
        }
      }
      return err ? ERROR : FALSE;
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

  // ---------------------------------------------------------------- value nodes

  /** A value node. {@link #text} is the source text, used in explanations. */
  abstract static class Val {
    final String text;
    final int type;

    Val(String text, int type) {
      this.text = text;
      this.type = type;
    }

    /** The value, or an {@link Err} sentinel; never null. */
    abstract Object get(AgentIdentity a, ToolRequest r, TaskState t, long now);
  }

  static class Lit extends Val {
    final Object value;

    Lit(String text, int type, Object value) {
      super(text, type);
      this.value = value;
    }

    @Override
    Object get(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      return value;
    }
  }

  /** A condition used as a value (e.g. {@code (a == b) == true}). */
  static final class CondVal extends Val {
    final Cond c;

    CondVal(String text, Cond c) {
      super(text, T_BOOL);
      this.c = c;
    }

    @Override
    Object get(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      int v = c.test(a, r, t, now);
      return v == TRUE ? Boolean.TRUE : v == FALSE ? Boolean.FALSE : NOT_EVALUATED;
    }
  }

  /** Attribute roots and fields; one node kind per field so evaluation is a field read or one lookup. */
  static final class Attr extends Val {
    static final int AGENT_ID = 0;
    static final int AGENT_ATTR = 1;
    static final int TOOL_NAME = 2;
    static final int TOOL_ACTION = 3;
    static final int TOOL_RISK = 4;
    static final int TOOL_SENS = 5;
    static final int RES_SENS = 6;
    static final int REQ_ATTR = 7;
    static final int CONTEXT = 8;
    static final int TASK_ID = 9;
    static final int TASK_PURPOSE = 10;
    static final int TASK_OBO = 11;
    static final int TASK_TOOLS = 12;
    static final int TASK_LAST = 13;
    static final int TASK_CALLS = 14;
    static final int TASK_MAXSENS = 15;
    static final int TASK_AGE = 16;
    static final int TIME_HOUR = 17;
    static final int TIME_DOW = 18;

    final int field;
    final String key; // request attribute key or agent attribute name
    final String taskKey; // context key in TaskState.context()

    Attr(String text, int type, int field, String key, String taskKey) {
      super(text, type);
      this.field = field;
      this.key = key;
      this.taskKey = taskKey;
    }

    @Override
    Object get(AgentIdentity a, ToolRequest r, TaskState t, long now) {
      Object v;
      switch (field) {
        case AGENT_ID:
          return a.id();
        case AGENT_ATTR:
          v = a.attributes().get(key);
          break;
        case TOOL_NAME:
          return r.tool();
        case TOOL_ACTION:
          return r.action();
        case TOOL_RISK:
          return r.risk();
        case TOOL_SENS:
          return r.sensitivity();
        case RES_SENS:
          return r.resourceSensitivity();
        case REQ_ATTR:
          v = r.attribute(key);
          break;
        case CONTEXT:
          v = r.attribute(key);
          if (v == null && t != null) {
            v = t.context().get(taskKey);
          }
          break;
        case TIME_HOUR:
          return Long.valueOf(Math.floorMod(Math.floorDiv(now, 3_600_000L), 24L));
        case TIME_DOW:
          return Long.valueOf(Math.floorMod(Math.floorDiv(now, 86_400_000L) + 3L, 7L) + 1L);
        default:
          if (t == null) {
            return MISSING;
          }
          v = taskField(t, now);
      }
      return v == null ? MISSING : isNonFinite(v) ? NON_FINITE : v;
    }

    private Object taskField(TaskState t, long now) {
      switch (field) {
        case TASK_ID:
          return t.id();
        case TASK_PURPOSE:
          return t.purpose();
        case TASK_OBO:
          return t.onBehalfOf();
        case TASK_TOOLS:
          return t.toolsCalled();
        case TASK_LAST:
          return t.lastTool();
        case TASK_CALLS:
          return Long.valueOf(t.calls());
        case TASK_MAXSENS:
          return t.maxSensitivity();
        case TASK_AGE: {
          long start = t.startedAtMillis();
          long diff = now - start;
          if (((now ^ start) & (now ^ diff)) < 0) {
            return OVERFLOW;
          }
          return Long.valueOf(diff / 1000L);
        }
        default:
          return MISSING;
      }
    }
  }

  // ---------------------------------------------------------------- semantics

  static boolean isNumber(Object o) {
    return o instanceof Long || o instanceof Double || o instanceof Integer || o instanceof Short
        || o instanceof Byte || o instanceof Float;
  }

  /** NaN or an infinity: never a value a comparison may use (an error, not a quiet false). */
  static boolean isNonFinite(Object o) {
    return (o instanceof Double && !Double.isFinite((Double) o)) || (o instanceof Float && !Float.isFinite((Float) o));
  }

  static boolean isIntegral(Object o) {
    return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte;
  }

  /** Equality: TRUE, FALSE or ERROR (missing value, a non-finite number or incomparable types). */
  static int equal(Object x, Object y) {
    if (x instanceof Err || y instanceof Err || isNonFinite(x) || isNonFinite(y)) {
      return ERROR;
    }
    if (x instanceof String) {
      if (y instanceof String) {
        return x.equals(y) ? TRUE : FALSE;
      }
      if (y instanceof Sensitivity || y instanceof Risk) {
        return equal(y, x);
      }
      return ERROR;
    }
    if (x instanceof Sensitivity) {
      Sensitivity s = y instanceof Sensitivity ? (Sensitivity) y
          : y instanceof String ? sensitivity((String) y) : null;
      return s == null ? ERROR : (s == x ? TRUE : FALSE);
    }
    if (x instanceof Risk) {
      Risk k = y instanceof Risk ? (Risk) y : y instanceof String ? risk((String) y) : null;
      return k == null ? ERROR : (k == x ? TRUE : FALSE);
    }
    if (x instanceof Boolean) {
      return y instanceof Boolean ? (x.equals(y) ? TRUE : FALSE) : ERROR;
    }
    if (isNumber(x)) {
      if (!isNumber(y)) {
        return ERROR;
      }
      int c = numCompare(x, y);
      return c == 0 ? TRUE : FALSE;
    }
    if (x instanceof Collection && y instanceof Collection) {
      Collection<?> cx = (Collection<?>) x;
      Collection<?> cy = (Collection<?>) y;
      if (!(x instanceof List) || !(y instanceof List)) {
        return ERROR;
      }
      if (cx.size() != cy.size()) {
        return FALSE;
      }
      List<?> lx = (List<?>) x;
      List<?> ly = (List<?>) y;
      boolean err = false;
      for (int i = 0; i < lx.size(); i++) {
        int v = equal(lx.get(i), ly.get(i));
        if (v == FALSE) {
          return FALSE;
        }
        if (v == ERROR) {
          err = true;
        }
      }
      return err ? ERROR : TRUE;
    }
    return ERROR;
  }

  static int member(Object x, Collection<?> c) {
    boolean err = false;
    if (c instanceof List) {
      List<?> l = (List<?>) c;
      for (int i = 0; i < l.size(); i++) {
        int v = equal(x, l.get(i));
        if (v == TRUE) {
          return TRUE;
        }
        if (v == ERROR) {
          err = true;
        }
      }
    } else {
      for (Object e : c) {
        int v = equal(x, e);
        if (v == TRUE) {
          return TRUE;
        }
        if (v == ERROR) {
          err = true;
        }
      }
    }
    return err ? ERROR : FALSE;
  }

  private static final int INCOMPARABLE = 2;

  /** -1, 0, 1; {@link #INCOMPARABLE} on a type error, a missing value or a non-finite number. */
  static int order(Object x, Object y) {
    if (x instanceof Err || y instanceof Err || isNonFinite(x) || isNonFinite(y)) {
      return INCOMPARABLE;
    }
    if (isNumber(x) && isNumber(y)) {
      return numCompare(x, y);
    }
    if (x instanceof Sensitivity || y instanceof Sensitivity) {
      Sensitivity a = x instanceof Sensitivity ? (Sensitivity) x : x instanceof String ? sensitivity((String) x) : null;
      Sensitivity b = y instanceof Sensitivity ? (Sensitivity) y : y instanceof String ? sensitivity((String) y) : null;
      return a == null || b == null ? INCOMPARABLE : Integer.signum(a.ordinal() - b.ordinal());
    }
    if (x instanceof Risk || y instanceof Risk) {
      Risk a = x instanceof Risk ? (Risk) x : x instanceof String ? risk((String) x) : null;
      Risk b = y instanceof Risk ? (Risk) y : y instanceof String ? risk((String) y) : null;
      return a == null || b == null ? INCOMPARABLE : Integer.signum(a.ordinal() - b.ordinal());
    }
    return INCOMPARABLE;
  }

  static int compare(int op, Object x, Object y) {
    if (op == EQ) {
      return equal(x, y);
    }
    if (op == NE) {
      int v = equal(x, y);
      return v == ERROR ? ERROR : 1 - v;
    }
    int c = order(x, y);
    if (c == INCOMPARABLE) {
      return ERROR;
    }
    boolean b;
    switch (op) {
      case LT:
        b = c < 0;
        break;
      case LE:
        b = c <= 0;
        break;
      case GT:
        b = c > 0;
        break;
      default:
        b = c >= 0;
    }
    return b ? TRUE : FALSE;
  }

  /** Numeric comparison of two finite numbers, exact across long and double. */
  static int numCompare(Object x, Object y) {
    boolean xi = isIntegral(x);
    boolean yi = isIntegral(y);
    if (xi && yi) {
      return Long.compare(((Number) x).longValue(), ((Number) y).longValue());
    }
    if (!xi && !yi) {
      double a = ((Number) x).doubleValue();
      double b = ((Number) y).doubleValue();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    if (xi) {
      return longVsDouble(((Number) x).longValue(), ((Number) y).doubleValue());
    }
    return -longVsDouble(((Number) y).longValue(), ((Number) x).doubleValue());
  }

  /** Exact comparison of a long with a finite double. */
  static int longVsDouble(long l, double d) {
    if (d >= 9.223372036854775807E18) { // 2^63
      return -1;
    }
    if (d < -9.223372036854775808E18) {
      return 1;
    }
    long dl = (long) d; // truncates toward zero; exact for |d| >= 2^52
    if (l != dl) {
      return l < dl ? -1 : 1;
    }
    double frac = d - (double) dl;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
  }

  static Sensitivity sensitivity(String s) {
    switch (s) {
      case "public":
        return Sensitivity.PUBLIC;
      case "internal":
        return Sensitivity.INTERNAL;
      case "confidential":
        return Sensitivity.CONFIDENTIAL;
      case "restricted":
        return Sensitivity.RESTRICTED;
      default:
        return null;
    }
  }

  static Risk risk(String s) {
    switch (s) {
      case "low":
        return Risk.LOW;
      case "medium":
        return Risk.MEDIUM;
      case "high":
        return Risk.HIGH;
      case "critical":
        return Risk.CRITICAL;
      default:
        return null;
    }
  }

  static String typeName(Object o) {
    if (o instanceof String) {
      return "string";
    }
    if (isNumber(o)) {
      return "number";
    }
    if (o instanceof Boolean) {
      return "boolean";
    }
    if (o instanceof Sensitivity) {
      return "sensitivity";
    }
    if (o instanceof Risk) {
      return "risk";
    }
    if (o instanceof Collection) {
      return "list";
    }
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  static String explainCompare(String op, Val l, Object lv, Val r, Object rv) {
    if (lv instanceof Err) {
      return l.text + " " + ((Err) lv).what;
    }
    if (rv instanceof Err) {
      return r.text + " " + ((Err) rv).what;
    }
    if (lv instanceof String && (rv instanceof Sensitivity || rv instanceof Risk)) {
      return l.text + " is a string that is not a " + typeName(rv) + " name";
    }
    if (rv instanceof String && (lv instanceof Sensitivity || lv instanceof Risk)) {
      return r.text + " is a string that is not a " + typeName(lv) + " name";
    }
    return "cannot compare " + l.text + " (a " + typeName(lv) + ") " + op + " " + r.text + " (a "
        + typeName(rv) + ")";
  }

  static String explainMethod(String m, Val recv, Object rv, Val arg, Object av) {
    if (rv instanceof Err) {
      return recv.text + " " + ((Err) rv).what;
    }
    if (av instanceof Err) {
      return arg.text + " " + ((Err) av).what;
    }
    return m + "() cannot apply to " + recv.text + " (a " + typeName(rv) + ") with " + arg.text + " (a "
        + typeName(av) + ")";
  }

  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
