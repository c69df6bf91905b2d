package dev.agentguard.core.internal.policy;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.ValueNodes.Lit;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.agentguard.core.internal.policy.Lexer.EOF;
import static dev.agentguard.core.internal.policy.Lexer.IDENT;
import static dev.agentguard.core.internal.policy.Lexer.NUMBER;
import static dev.agentguard.core.internal.policy.Lexer.OP;
import static dev.agentguard.core.internal.policy.Lexer.STRING;

/**
 * Hand-written recursive-descent parser for {@code when} conditions over the {@link Lexer}'s
 * tokens. Compiles the text once into an {@link Expr} tree; attribute paths are resolved by
 * {@link AttributePaths} into specialised accessors and sensitivity/risk literals are converted
 * here, so nothing is parsed at evaluation time.
 *
 * <p>Not thread-safe (one instance per expression); the compiled tree is immutable.
 */
final class ExprCompiler {
  /** Longest condition, in characters. */
  static final int MAX_EXPRESSION_LENGTH = 4096;
  /** Deepest nesting of {@code !}, parentheses and lists. */
  static final int MAX_EXPRESSION_DEPTH = 64;
  /** Most elements in one list literal. */
  static final int MAX_LIST_ELEMENTS = 1024;

  private final String src;
  private final Lexer lx;
  private int depth;

  private ExprCompiler(String src) {
    this.src = src;
    this.lx = new Lexer(src);
  }

  /**
   * Compiles a condition.
   *
   * @throws ExprError with the offset of the problem
   */
  static Cond compile(String src) {
    if (src.length() > MAX_EXPRESSION_LENGTH) {
      throw new ExprError(0, null, "condition longer than " + MAX_EXPRESSION_LENGTH + " characters");
    }
    ExprCompiler c = new ExprCompiler(src);
    c.lx.next();
    if (c.lx.kind == EOF) {
      throw new ExprError(0, null, "empty condition; expected an expression");
    }
    Object e = c.parseOr();
    if (c.lx.kind != EOF) {
      throw c.error("expected an operator or the end of the condition");
    }
    return c.asCond(e, 0);
  }

  private ExprError error(String message) {
    return new ExprError(lx.start, lx.kind == EOF ? "<end>" : ErrorText.shorten(src.substring(lx.start, Math.min(lx.pos, src.length()))), message);
  }

  // ---------------------------------------------------------------- lexer

  private boolean isOp(String op) {
    return lx.kind == OP && lx.text.equals(op);
  }

  private void expectOp(String op, String what) {
    if (!isOp(op)) {
      throw error("expected '" + op + "' " + what);
    }
    lx.next();
  }

  private void enter() {
    if (++depth > MAX_EXPRESSION_DEPTH) {
      throw error("condition nested deeper than " + MAX_EXPRESSION_DEPTH + " levels");
    }
  }

  // ---------------------------------------------------------------- parser
  // Each parse method returns a Cond or a Val; asCond/asVal convert.

  private Object parseOr() {
    int s = lx.start;
    Object first = parseAnd();
    if (!isOp("||")) {
      return first;
    }
    List<Cond> cs = new ArrayList<>();
    cs.add(asCond(first, s));
    while (isOp("||")) {
      lx.next();
      int s2 = lx.start;
      cs.add(asCond(parseAnd(), s2));
    }
    return label(Logic.Junction.or(cs.toArray(new Cond[0])), s);
  }

  private Object parseAnd() {
    int s = lx.start;
    Object first = parseUnary();
    if (!isOp("&&")) {
      return first;
    }
    List<Cond> cs = new ArrayList<>();
    cs.add(asCond(first, s));
    while (isOp("&&")) {
      lx.next();
      int s2 = lx.start;
      cs.add(asCond(parseUnary(), s2));
    }
    return label(Logic.Junction.and(cs.toArray(new Cond[0])), s);
  }

  private Object parseUnary() {
    if (isOp("!")) {
      int bang = lx.start;
      enter();
      lx.next();
      int s = lx.start;
      Object inner = parseUnary();
      depth--;
      return label(new Logic.Not(asCond(inner, s)), bang);
    }
    return parseComparison();
  }

  private Object parseComparison() {
    int ls = lx.start;
    Object left = parsePostfix();
    int op = -1;
    if (lx.kind == OP) {
      for (int i = 0; i < Expr.OP_NAMES.length; i++) {
        if (lx.text.equals(Expr.OP_NAMES[i])) {
          op = i;
        }
      }
    }
    if (op >= 0) {
      lx.next();
      int rs = lx.start;
      Object right = parsePostfix();
      Val l = asVal(left, ls);
      Val r = asVal(right, rs);
      l = coerceLiteral(l, r, ls);
      r = coerceLiteral(r, l, rs);
      return label(Comparisons.CmpLit.of(op, l, r), ls);
    }
    if (lx.kind == IDENT && lx.text.equals("in")) {
      lx.next();
      int rs = lx.start;
      Object right = parsePostfix();
      Val l = asVal(left, ls);
      Val r = asVal(right, rs);
      if (r instanceof ListLit) {
        ListLit list = (ListLit) r;
        Object[] elems = list.elems.clone();
        if (l.type == Expr.T_SENS || l.type == Expr.T_RISK) {
          for (int i = 0; i < elems.length; i++) {
            if (elems[i] instanceof String) {
              elems[i] = enumLiteral(l.type, (String) elems[i], list.offsets[i]);
            }
          }
        }
        return label(Comparisons.InStrings.of(l, elems, r), ls);
      }
      if (r instanceof Lit) {
        throw new ExprError(rs, r.text, "'in' needs a list on its right side");
      }
      return label(new Comparisons.InValue(l, r), ls);
    }
    return left;
  }

  /** Converts a string literal compared with a sensitivity or risk into that enum at load time. */
  private Val coerceLiteral(Val v, Val other, int offset) {
    if (v instanceof Lit && ((Lit) v).value instanceof String
        && (other.type == Expr.T_SENS || other.type == Expr.T_RISK)) {
      Object e = enumLiteral(other.type, (String) ((Lit) v).value, offset);
      return new Lit(v.text, other.type, e);
    }
    return v;
  }

  private static Object enumLiteral(int type, String s, int offset) {
    if (type == Expr.T_SENS) {
      Sensitivity x = Semantics.sensitivity(s);
      if (x == null) {
        throw new ExprError(offset, s, "unknown sensitivity; expected one of public, internal, confidential, restricted");
      }
      return x;
    }
    Risk x = Semantics.risk(s);
    if (x == null) {
      throw new ExprError(offset, s, "unknown risk; expected one of low, medium, high, critical");
    }
    return x;
  }

  private Object parsePostfix() {
    int s = lx.start;
    Object p = parsePrimary();
    while (isOp(".")) {
      lx.next();
      if (lx.kind != IDENT) {
        throw error("expected a method name after '.'");
      }
      String method = lx.text;
      int ms = lx.start;
      lx.next();
      expectOp("(", "after method name " + method);
      List<Val> args = new ArrayList<>();
      List<Integer> argOffsets = new ArrayList<>();
      if (!isOp(")")) {
        while (true) {
          enter();
          argOffsets.add(lx.start);
          int as = lx.start;
          args.add(asVal(parseOr(), as));
          depth--;
          if (isOp(",")) {
            lx.next();
            continue;
          }
          break;
        }
      }
      expectOp(")", "to close the arguments of " + method);
      Val recv = asVal(p, s);
      p = label(MethodCalls.bind(recv, method, ms, args, argOffsets), s);
    }
    return p;
  }

  private Object parsePrimary() {
    switch (lx.kind) {
      case NUMBER: {
        Lit l = new Lit(lx.text, Expr.T_NUMBER, lx.literal);
        lx.next();
        return l;
      }
      case STRING: {
        Lit l = new Lit(lx.text, Expr.T_STRING, lx.literal);
        lx.next();
        return l;
      }
      case IDENT:
        if (lx.text.equals("true") || lx.text.equals("false")) {
          Lit l = new Lit(lx.text, Expr.T_BOOL, Boolean.valueOf(lx.text.equals("true")));
          lx.next();
          return l;
        }
        if (lx.text.equals("in")) {
          throw error("expected a value before 'in'");
        }
        return parsePath();
      case OP:
        if (lx.text.equals("(")) {
          enter();
          lx.next();
          Object inner = parseOr();
          expectOp(")", "to close '('");
          depth--;
          return inner;
        }
        if (lx.text.equals("[")) {
          return parseList();
        }
        throw error("expected a value, an attribute, '(' or '['");
      default:
        throw error("expected a value, an attribute, '(' or '['");
    }
  }

  /** A list literal: elements are string, number or boolean literals. */
  static final class ListLit extends Lit {
    final Object[] elems;
    final int[] offsets;

    ListLit(String text, Object[] elems, int[] offsets) {
      super(text, Expr.T_LIST, Collections.unmodifiableList(java.util.Arrays.asList(elems.clone())));
      this.elems = elems;
      this.offsets = offsets;
    }
  }

  private Val parseList() {
    int s = lx.start;
    enter();
    lx.next();
    List<Object> elems = new ArrayList<>();
    List<Integer> offs = new ArrayList<>();
    if (!isOp("]")) {
      while (true) {
        if (lx.kind != STRING && lx.kind != NUMBER && !(lx.kind == IDENT && (lx.text.equals("true") || lx.text.equals("false")))) {
          throw error("list elements must be string, number or boolean literals");
        }
        if (elems.size() >= MAX_LIST_ELEMENTS) {
          throw error("list literal longer than " + MAX_LIST_ELEMENTS + " elements");
        }
        offs.add(lx.start);
        elems.add(lx.kind == IDENT ? Boolean.valueOf(lx.text.equals("true")) : lx.literal);
        lx.next();
        if (isOp(",")) {
          lx.next();
          continue;
        }
        break;
      }
    }
    expectOp("]", "to close the list");
    depth--;
    int[] o = new int[offs.size()];
    for (int i = 0; i < o.length; i++) {
      o[i] = offs.get(i);
    }
    return new ListLit(src.substring(s, Math.min(lx.start, src.length())).trim(), elems.toArray(), o);
  }

  private Val parsePath() {
    int s = lx.start;
    List<String> segs = new ArrayList<>();
    segs.add(lx.text);
    lx.next();
    // consume ".ident" while the ident is not followed by "(" (that is a method call)
    while (isOp(".")) {
      int savePos = lx.pos;
      int saveStart = lx.start;
      lx.next();
      if (lx.kind != IDENT) {
        throw error("expected an attribute name after '.'");
      }
      String seg = lx.text;
      int segStart = lx.start;
      lx.next();
      if (isOp("(")) {
        // method call: rewind to the '.'
        lx.rewind(savePos, saveStart, ".");
        break;
      }
      if (segs.size() >= 16) {
        throw new ExprError(segStart, seg, "attribute path longer than 16 segments");
      }
      segs.add(seg);
    }
    return AttributePaths.resolve(String.join(".", segs), segs, s);
  }

  private Cond asCond(Object o, int offset) {
    if (o instanceof Cond) {
      return (Cond) o;
    }
    Val v = (Val) o;
    if (v instanceof Lit) {
      Object x = ((Lit) v).value;
      if (x instanceof Boolean) {
        return ((Boolean) x) ? Logic.Const.TRUE_C : Logic.Const.FALSE_C;
      }
      throw new ExprError(offset, v.text, "expected a condition, found a " + ErrorText.typeName(x) + " literal");
    }
    if (v.type != Expr.T_ANY && v.type != Expr.T_BOOL) {
      throw new ExprError(offset, v.text, "expected a condition; " + v.text + " is not a boolean");
    }
    return label(new Logic.BoolVal(v), offset);
  }

  /** Sets a new node's source text (from {@code from} to the end of the last consumed token). */
  private Cond label(Cond c, int from) {
    if (c.text == null) {
      c.text = src.substring(from, Math.max(from, lx.prevEnd)).trim();
    }
    return c;
  }

  private Val asVal(Object o, int offset) {
    if (o instanceof Val) {
      return (Val) o;
    }
    return new ValueNodes.CondVal(src.substring(offset, Math.min(lx.start, src.length())).trim(), (Cond) o);
  }
}
