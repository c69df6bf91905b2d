package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.Glob;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.ValueNodes.Lit;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.List;

/**
 * Binds a method call of a condition ({@code startsWith}, {@code endsWith}, {@code contains},
 * {@code matches}, {@code isWithin}) to its node at load time, compiling literal arguments (globs,
 * base paths) once. Stateless.
 */
final class MethodCalls {
  private MethodCalls() {}

  /**
   * The node for {@code recv.name(args)}.
   *
   * @throws ExprError for an unknown method, a wrong argument count or a bad literal argument
   */
  static Cond bind(Val recv, String name, int offset, List<Val> args, List<Integer> argOffsets) {
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
        return new StringMethods.StartsEnds(true, recv, arg);
      case "endsWith":
        return new StringMethods.StartsEnds(false, recv, arg);
      case "contains":
        return new StringMethods.Contains(recv, arg);
      case "isWithin": {
        if (!(arg instanceof Lit) || !(((Lit) arg).value instanceof String)) {
          throw new ExprError(argOffsets.get(0), arg.text, "isWithin() needs a string literal base path");
        }
        try {
          return new StringMethods.IsWithin(recv, PathConfinement.compile((String) ((Lit) arg).value));
        } catch (IllegalArgumentException e) {
          throw new ExprError(argOffsets.get(0), arg.text, e.getMessage());
        }
      }
      default: {
        if (!(arg instanceof Lit) || !(((Lit) arg).value instanceof String)) {
          throw new ExprError(argOffsets.get(0), arg.text, "matches() needs a string literal glob");
        }
        try {
          return new StringMethods.Matches(recv, Glob.compile((String) ((Lit) arg).value));
        } catch (IllegalArgumentException e) {
          throw new ExprError(argOffsets.get(0), arg.text, e.getMessage());
        }
      }
    }
  }
}
