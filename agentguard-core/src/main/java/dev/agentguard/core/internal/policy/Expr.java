package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;

/**
 * The compiled form of a {@code when} condition: a tree of small immutable nodes built once at load
 * time. This class holds the base types and constants; the nodes are in {@link Logic},
 * {@link Comparisons}, {@link StringMethods} and {@link ValueNodes}, their meaning in
 * {@link Semantics} and their error texts in {@link ErrorText}. Boolean nodes ({@link Cond}) answer {@link #TRUE}, {@link #FALSE} or {@link #ERROR}
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
}
