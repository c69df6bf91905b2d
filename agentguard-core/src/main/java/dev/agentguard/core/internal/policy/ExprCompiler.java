package dev.agentguard.core.internal.policy;

import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.policy.Expr.Attr;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Lit;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Hand-written lexer and recursive-descent parser for {@code when} conditions. Compiles the text
 * once into an {@link Expr} tree; attribute paths are resolved into specialised accessors and
 * sensitivity/risk literals are converted here, so nothing is parsed at evaluation time.
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

  /** A compile error at an offset inside the expression. */
  static final class ExprError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int offset;
    final String value;

    ExprError(int offset, String value, String message) {
      super(message, null, false, false);
      this.offset = offset;
      this.value = value;
    }
  }

  // token kinds
  private static final int EOF = 0;
  private static final int IDENT = 1;
  private static final int STRING = 2;
  private static final int NUMBER = 3;
  private static final int OP = 4; // text holds the operator

  private final String src;
  private int pos;
  private int depth;
  // current token
  private int kind;
  private String text;
  private Object literal;
  private int start;
  // end offset of the last consumed token
  private int prevEnd;

  private ExprCompiler(String src) {
    this.src = src;
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
    c.next();
    if (c.kind == EOF) {
      throw new ExprError(0, null, "empty condition; expected an expression");
    }
    Object e = c.parseOr();
    if (c.kind != EOF) {
      throw c.error("expected an operator or the end of the condition");
    }
    return c.asCond(e, 0);
  }

  private ExprError error(String message) {
    return new ExprError(start, kind == EOF ? "<end>" : Expr.shorten(src.substring(start, Math.min(pos, src.length()))), message);
  }

  // ---------------------------------------------------------------- lexer

  private void next() {
    prevEnd = pos;
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
    start = pos;
    literal = null;
    if (pos >= src.length()) {
      kind = EOF;
      text = "";
      return;
    }
    char c = src.charAt(pos);
    if (isIdentStart(c)) {
      while (pos < src.length() && isIdentPart(src.charAt(pos))) {
        pos++;
      }
      kind = IDENT;
      text = src.substring(start, pos);
      return;
    }
    if (isDigit(c) || (c == '-' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1)))) {
      lexNumber();
      return;
    }
    if (c == '\'' || c == '"') {
      lexString(c);
      return;
    }
    String two = pos + 1 < src.length() ? src.substring(pos, pos + 2) : "";
    switch (two) {
      case "||":
      case "&&":
      case "==":
      case "!=":
      case "<=":
      case ">=":
        pos += 2;
        kind = OP;
        text = two;
        return;
      default:
        break;
    }
    switch (c) {
      case '!':
      case '<':
      case '>':
      case '(':
      case ')':
      case '[':
      case ']':
      case ',':
      case '.':
        pos++;
        kind = OP;
        text = String.valueOf(c);
        return;
      case '=':
        pos++;
        throw new ExprError(start, "=", "unexpected '='; use '==' to compare");
      case '&':
      case '|':
        pos++;
        throw new ExprError(start, String.valueOf(c), "unexpected '" + c + "'; use '" + c + c + "'");
      default:
        pos++;
        throw new ExprError(start, Expr.shorten(src.substring(start, pos)), "unexpected character");
    }
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void lexNumber() {
    if (src.charAt(pos) == '-') {
      pos++;
    }
    boolean fractional = false;
    while (pos < src.length() && isDigit(src.charAt(pos))) {
      pos++;
    }
    if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
      fractional = true;
      pos++;
      while (pos < src.length() && isDigit(src.charAt(pos))) {
        pos++;
      }
    }
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos;
      pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < src.length() && isDigit(src.charAt(pos))) {
        fractional = true;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
          pos++;
        }
      } else {
        pos = save;
      }
    }
    if (pos < src.length() && isIdentStart(src.charAt(pos))) {
      throw new ExprError(start, Expr.shorten(src.substring(start, pos + 1)), "malformed number");
    }
    String t = src.substring(start, pos);
    if (t.length() > 64) {
      throw new ExprError(start, Expr.shorten(t), "number literal longer than 64 characters");
    }
    kind = NUMBER;
    text = t;
    if (fractional) {
      double d = Double.parseDouble(t);
      if (Double.isInfinite(d)) {
        throw new ExprError(start, t, "number literal out of the double range (overflow)");
      }
      literal = d;
    } else {
      try {
        literal = Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw new ExprError(start, t, "integer literal out of the long range (overflow)");
      }
    }
  }

  private void lexString(char quote) {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= src.length()) {
        throw new ExprError(start, Expr.shorten(src.substring(start)), "unterminated string literal");
      }
      char c = src.charAt(pos++);
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        if (pos >= src.length()) {
          throw new ExprError(start, Expr.shorten(src.substring(start)), "unterminated string literal");
        }
        char e = src.charAt(pos++);
        switch (e) {
          case '\\':
          case '\'':
          case '"':
            sb.append(e);
            break;
          case 'n':
            sb.append('\n');
            break;
          case 't':
            sb.append('\t');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 'u': {
            if (pos + 4 > src.length()) {
              throw new ExprError(pos - 2, "\\u", "incomplete \\u escape; expected 4 hex digits");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
              int d = Character.digit(src.charAt(pos + i), 16);
              if (d < 0) {
                throw new ExprError(pos - 2, src.substring(pos - 2, pos + 4), "bad \\u escape; expected 4 hex digits");
              }
              v = v * 16 + d;
            }
            pos += 4;
            sb.append((char) v);
            break;
          }
          default:
            throw new ExprError(pos - 2, "\\" + e, "unknown escape; expected one of \\\\ \\' \\\" \\n \\t \\r \\uXXXX");
        }
      } else {
        sb.append(c);
      }
    }
    kind = STRING;
    text = src.substring(start, pos);
    literal = sb.toString();
  }

  private boolean isOp(String op) {
    return kind == OP && text.equals(op);
  }

  private void expectOp(String op, String what) {
    if (!isOp(op)) {
      throw error("expected '" + op + "' " + what);
    }
    next();
  }

  private void enter() {
    if (++depth > MAX_EXPRESSION_DEPTH) {
      throw error("condition nested deeper than " + MAX_EXPRESSION_DEPTH + " levels");
    }
  }

  // ---------------------------------------------------------------- parser
  // Each parse method returns a Cond or a Val; asCond/asVal convert.

  private Object parseOr() {
    int s = start;
    Object first = parseAnd();
    if (!isOp("||")) {
      return first;
    }
    List<Cond> cs = new ArrayList<>();
    cs.add(asCond(first, s));
    while (isOp("||")) {
      next();
      int s2 = start;
      cs.add(asCond(parseAnd(), s2));
    }
    return label(Expr.Junction.or(cs.toArray(new Cond[0])), s);
  }

  private Object parseAnd() {
    int s = start;
    Object first = parseUnary();
    if (!isOp("&&")) {
      return first;
    }
    List<Cond> cs = new ArrayList<>();
    cs.add(asCond(first, s));
    while (isOp("&&")) {
      next();
      int s2 = start;
      cs.add(asCond(parseUnary(), s2));
    }
    return label(Expr.Junction.and(cs.toArray(new Cond[0])), s);
  }

  private Object parseUnary() {
    if (isOp("!")) {
      int bang = start;
      enter();
      next();
      int s = start;
      Object inner = parseUnary();
      depth--;
      return label(new Expr.Not(asCond(inner, s)), bang);
    }
    return parseComparison();
  }

  private Object parseComparison() {
    int ls = start;
    Object left = parsePostfix();
    int op = -1;
    if (kind == OP) {
      for (int i = 0; i < Expr.OP_NAMES.length; i++) {
        if (text.equals(Expr.OP_NAMES[i])) {
          op = i;
        }
      }
    }
    if (op >= 0) {
      next();
      int rs = start;
      Object right = parsePostfix();
      Val l = asVal(left, ls);
      Val r = asVal(right, rs);
      l = coerceLiteral(l, r, ls);
      r = coerceLiteral(r, l, rs);
      return label(new Expr.Cmp(op, l, r), ls);
    }
    if (kind == IDENT && text.equals("in")) {
      next();
      int rs = start;
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
        return label(new Expr.InList(l, elems, r), ls);
      }
      if (r instanceof Lit) {
        throw new ExprError(rs, r.text, "'in' needs a list on its right side");
      }
      return label(new Expr.InValue(l, r), ls);
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
      Sensitivity x = Expr.sensitivity(s);
      if (x == null) {
        throw new ExprError(offset, s, "unknown sensitivity; expected one of public, internal, confidential, restricted");
      }
      return x;
    }
    Risk x = Expr.risk(s);
    if (x == null) {
      throw new ExprError(offset, s, "unknown risk; expected one of low, medium, high, critical");
    }
    return x;
  }

  private Object parsePostfix() {
    int s = start;
    Object p = parsePrimary();
    while (isOp(".")) {
      next();
      if (kind != IDENT) {
        throw error("expected a method name after '.'");
      }
      String method = text;
      int ms = start;
      next();
      expectOp("(", "after method name " + method);
      List<Val> args = new ArrayList<>();
      List<Integer> argOffsets = new ArrayList<>();
      if (!isOp(")")) {
        while (true) {
          enter();
          argOffsets.add(start);
          int as = start;
          args.add(asVal(parseOr(), as));
          depth--;
          if (isOp(",")) {
            next();
            continue;
          }
          break;
        }
      }
      expectOp(")", "to close the arguments of " + method);
      Val recv = asVal(p, s);
      p = label(method(recv, method, ms, args, argOffsets), s);
    }
    return p;
  }

  private Cond method(Val recv, String name, int offset, List<Val> args, List<Integer> argOffsets) {
    if (!name.equals("startsWith") && !name.equals("endsWith") && !name.equals("contains")
        && !name.equals("matches") && !name.equals("isWithin")) {
      throw new ExprError(offset, name,
          "unknown method; expected startsWith, endsWith, contains, matches or isWithin");
    }
    if (args.size() != 1) {
      throw new ExprError(offset, name, name + "() takes exactly one argument");
    }
    Val arg = args.get(0);
    switch (name) {
      case "startsWith":
        return new Expr.StartsEnds(true, recv, arg);
      case "endsWith":
        return new Expr.StartsEnds(false, recv, arg);
      case "contains":
        return new Expr.Contains(recv, arg);
      case "isWithin": {
        if (!(arg instanceof Lit) || !(((Lit) arg).value instanceof String)) {
          throw new ExprError(argOffsets.get(0), arg.text, "isWithin() needs a string literal base path");
        }
        try {
          return new Expr.IsWithin(recv, PathConfinement.compile((String) ((Lit) arg).value));
        } catch (IllegalArgumentException e) {
          throw new ExprError(argOffsets.get(0), arg.text, e.getMessage());
        }
      }
      default: {
        if (!(arg instanceof Lit) || !(((Lit) arg).value instanceof String)) {
          throw new ExprError(argOffsets.get(0), arg.text, "matches() needs a string literal glob");
        }
        try {
          return new Expr.Matches(recv, Glob.compile((String) ((Lit) arg).value));
        } catch (IllegalArgumentException e) {
          throw new ExprError(argOffsets.get(0), arg.text, e.getMessage());
        }
      }
    }
  }

  private Object parsePrimary() {
    switch (kind) {
      case NUMBER: {
        Lit l = new Lit(text, Expr.T_NUMBER, literal);
        next();
        return l;
      }
      case STRING: {
        Lit l = new Lit(text, Expr.T_STRING, literal);
        next();
        return l;
      }
      case IDENT:
        if (text.equals("true") || text.equals("false")) {
          Lit l = new Lit(text, Expr.T_BOOL, Boolean.valueOf(text.equals("true")));
          next();
          return l;
        }
        if (text.equals("in")) {
          throw error("expected a value before 'in'");
        }
        return parsePath();
      case OP:
        if (text.equals("(")) {
          enter();
          next();
          Object inner = parseOr();
          expectOp(")", "to close '('");
          depth--;
          return inner;
        }
        if (text.equals("[")) {
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
    int s = start;
    enter();
    next();
    List<Object> elems = new ArrayList<>();
    List<Integer> offs = new ArrayList<>();
    if (!isOp("]")) {
      while (true) {
        if (kind != STRING && kind != NUMBER && !(kind == IDENT && (text.equals("true") || text.equals("false")))) {
          throw error("list elements must be string, number or boolean literals");
        }
        if (elems.size() >= MAX_LIST_ELEMENTS) {
          throw error("list literal longer than " + MAX_LIST_ELEMENTS + " elements");
        }
        offs.add(start);
        elems.add(kind == IDENT ? Boolean.valueOf(text.equals("true")) : literal);
        next();
        if (isOp(",")) {
          next();
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
    return new ListLit(src.substring(s, Math.min(start, src.length())).trim(), elems.toArray(), o);
  }

  private Val parsePath() {
    int s = start;
    List<String> segs = new ArrayList<>();
    segs.add(text);
    next();
    // consume ".ident" while the ident is not followed by "(" (that is a method call)
    while (isOp(".")) {
      int savePos = pos;
      int saveStart = start;
      next();
      if (kind != IDENT) {
        throw error("expected an attribute name after '.'");
      }
      String seg = text;
      int segStart = start;
      next();
      if (isOp("(")) {
        // method call: rewind to the '.'
        pos = savePos;
        start = saveStart;
        kind = OP;
        text = ".";
        literal = null;
        break;
      }
      if (segs.size() >= 16) {
        throw new ExprError(segStart, seg, "attribute path longer than 16 segments");
      }
      segs.add(seg);
    }
    return resolve(String.join(".", segs), segs, s);
  }

  private static Val resolve(String path, List<String> segs, int offset) {
    String root = segs.get(0);
    int n = segs.size();
    String rest = n > 1 ? path.substring(root.length() + 1) : null;
    switch (root) {
      case "agent":
        if (n == 2) {
          return segs.get(1).equals("id")
              ? new Attr(path, Expr.T_STRING, Attr.AGENT_ID, null, null)
              : new Attr(path, Expr.T_ANY, Attr.AGENT_ATTR, segs.get(1), null);
        }
        throw new ExprError(offset, path, "expected agent.id or agent.<attribute>");
      case "tool":
        if (n == 2) {
          switch (segs.get(1)) {
            case "name":
              return new Attr(path, Expr.T_STRING, Attr.TOOL_NAME, null, null);
            case "action":
              return new Attr(path, Expr.T_STRING, Attr.TOOL_ACTION, null, null);
            case "risk":
              return new Attr(path, Expr.T_RISK, Attr.TOOL_RISK, null, null);
            case "sensitivity":
              return new Attr(path, Expr.T_SENS, Attr.TOOL_SENS, null, null);
            default:
              break;
          }
        }
        throw new ExprError(offset, path, "expected tool.name, tool.action, tool.risk or tool.sensitivity");
      case "resource":
        if (n < 2) {
          break;
        }
        if (path.equals("resource.sensitivity")) {
          return new Attr(path, Expr.T_SENS, Attr.RES_SENS, null, null);
        }
        return new Attr(path, Expr.T_ANY, Attr.REQ_ATTR, path, null);
      case "destination":
        if (n < 2) {
          break;
        }
        return new Attr(path, Expr.T_ANY, Attr.REQ_ATTR, path, null);
      case "context":
        if (n < 2) {
          break;
        }
        return new Attr(path, Expr.T_ANY, Attr.CONTEXT, path, rest);
      case "task":
        if (n == 2) {
          switch (segs.get(1)) {
            case "id":
              return new Attr(path, Expr.T_STRING, Attr.TASK_ID, null, null);
            case "purpose":
              return new Attr(path, Expr.T_STRING, Attr.TASK_PURPOSE, null, null);
            case "onBehalfOf":
              return new Attr(path, Expr.T_STRING, Attr.TASK_OBO, null, null);
            case "tools":
              return new Attr(path, Expr.T_LIST, Attr.TASK_TOOLS, null, null);
            case "lastTool":
              return new Attr(path, Expr.T_STRING, Attr.TASK_LAST, null, null);
            case "calls":
              return new Attr(path, Expr.T_NUMBER, Attr.TASK_CALLS, null, null);
            case "maxSensitivity":
              return new Attr(path, Expr.T_SENS, Attr.TASK_MAXSENS, null, null);
            case "ageSeconds":
              return new Attr(path, Expr.T_NUMBER, Attr.TASK_AGE, null, null);
            default:
              break;
          }
        }
        throw new ExprError(offset, path,
            "expected task.id, task.purpose, task.onBehalfOf, task.tools, task.lastTool, task.calls, task.maxSensitivity or task.ageSeconds");
      case "time":
        if (n == 2 && segs.get(1).equals("hour")) {
          return new Attr(path, Expr.T_NUMBER, Attr.TIME_HOUR, null, null);
        }
        if (n == 2 && segs.get(1).equals("dayOfWeek")) {
          return new Attr(path, Expr.T_NUMBER, Attr.TIME_DOW, null, null);
        }
        throw new ExprError(offset, path, "expected time.hour or time.dayOfWeek");
      default:
        throw new ExprError(offset, path,
            "unknown attribute root '" + root + "'; expected agent, tool, resource, destination, context, task or time");
    }
    throw new ExprError(offset, path, "attribute '" + root + "' needs a name after the root, e.g. " + root + ".id");
  }

  private Cond asCond(Object o, int offset) {
    if (o instanceof Cond) {
      return (Cond) o;
    }
    Val v = (Val) o;
    if (v instanceof Lit) {
      Object x = ((Lit) v).value;
      if (x instanceof Boolean) {
        return ((Boolean) x) ? Expr.Const.TRUE_C : Expr.Const.FALSE_C;
      }
      throw new ExprError(offset, v.text, "expected a condition, found a " + Expr.typeName(x) + " literal");
    }
    if (v.type != Expr.T_ANY && v.type != Expr.T_BOOL) {
      throw new ExprError(offset, v.text, "expected a condition; " + v.text + " is not a boolean");
    }
    return label(new Expr.BoolVal(v), offset);
  }

  /** Sets a new node's source text (from {@code from} to the end of the last consumed token). */
  private Cond label(Cond c, int from) {
    if (c.text == null) {
      c.text = src.substring(from, Math.max(from, prevEnd)).trim();
    }
    return c;
  }

  private Val asVal(Object o, int offset) {
    if (o instanceof Val) {
      return (Val) o;
    }
    return new Expr.CondVal(src.substring(offset, Math.min(start, src.length())).trim(), (Cond) o);
  }
}
