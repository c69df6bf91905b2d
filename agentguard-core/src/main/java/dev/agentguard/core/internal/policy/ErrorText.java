package dev.agentguard.core.internal.policy;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.policy.Expr.Err;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.Collection;

import static dev.agentguard.core.internal.policy.Semantics.isNumber;

/**
 * The texts of evaluation errors. Their inputs are a node's source text (policy text), the values'
 * <em>types</em> and the reasons of {@link Err} sentinels; no method here puts a value into its
 * result, so no reason, exception or explanation can quote a request value (a {@code @Redact}ed
 * argument, a secret in the task context). {@link #shorten} is for policy text only. Stateless.
 */
final class ErrorText {
  private ErrorText() {}

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
