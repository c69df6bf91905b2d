package dev.agentguard.core.internal.policy;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.policy.Expr.Err;
import java.util.Collection;
import java.util.List;

import static dev.agentguard.core.internal.policy.Expr.ERROR;
import static dev.agentguard.core.internal.policy.Expr.FALSE;
import static dev.agentguard.core.internal.policy.Expr.TRUE;
import static dev.agentguard.core.internal.policy.Expr.EQ;
import static dev.agentguard.core.internal.policy.Expr.GT;
import static dev.agentguard.core.internal.policy.Expr.LE;
import static dev.agentguard.core.internal.policy.Expr.LT;
import static dev.agentguard.core.internal.policy.Expr.NE;

/**
 * The meaning of values in conditions: three-valued equality and ordering across longs, doubles,
 * strings, booleans, sensitivities, risks and lists; non-finite numbers are errors; sensitivity and
 * risk names by their exact lower-case wire names. Stateless.
 */
final class Semantics {
  private Semantics() {}

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
}
