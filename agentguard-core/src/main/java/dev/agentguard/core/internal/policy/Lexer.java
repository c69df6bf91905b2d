package dev.agentguard.core.internal.policy;

/**
 * The tokenizer of {@code when} conditions: identifiers, string and number literals (numbers
 * checked for overflow here) and operators, with the offsets the parser reports errors at.
 * One instance per expression; not thread-safe.
 */
final class Lexer {
  static final int EOF = 0;
  static final int IDENT = 1;
  static final int STRING = 2;
  static final int NUMBER = 3;
  static final int OP = 4; // text holds the operator

  final String src;
  int pos;
  // current token
  int kind;
  String text;
  Object literal;
  int start;
  // end offset of the last consumed token
  int prevEnd;

  Lexer(String src) {
    this.src = src;
  }

  /** Rewinds to an earlier token start (the parser's one-token lookahead for method calls). */
  void rewind(int toPos, int toStart, String opText) {
    pos = toPos;
    start = toStart;
    kind = OP;
    text = opText;
    literal = null;
  }

  void next() {
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
        throw new ExprError(start, ErrorText.shorten(src.substring(start, pos)), "unexpected character");
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
      throw new ExprError(start, ErrorText.shorten(src.substring(start, pos + 1)), "malformed number");
    }
    String t = src.substring(start, pos);
    if (t.length() > 64) {
      throw new ExprError(start, ErrorText.shorten(t), "number literal longer than 64 characters");
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
        throw new ExprError(start, ErrorText.shorten(src.substring(start)), "unterminated string literal");
      }
      char c = src.charAt(pos++);
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        if (pos >= src.length()) {
          throw new ExprError(start, ErrorText.shorten(src.substring(start)), "unterminated string literal");
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

}
