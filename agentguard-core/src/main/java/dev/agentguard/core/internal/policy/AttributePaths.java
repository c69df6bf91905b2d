package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.policy.ValueNodes.Attr;
import dev.agentguard.core.internal.policy.Expr.Val;
import java.util.List;

/**
 * Resolves an attribute path of a condition ({@code agent.id}, {@code resource.path},
 * {@code task.calls}, ...) at load time into the accessor node that reads it, so evaluation is a
 * field read or one map lookup; unknown roots and fields are compile errors. Stateless.
 */
final class AttributePaths {
  private AttributePaths() {}

  static Val resolve(String path, List<String> segs, int offset) {
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
        return new Attr(path, Expr.T_ANY, Attr.REQ_ATTR, requestKey(path), null);
      case "destination":
        if (n < 2) {
          break;
        }
        return new Attr(path, Expr.T_ANY, Attr.REQ_ATTR, requestKey(path), null);
      case "context":
        if (n < 2) {
          break;
        }
        return new Attr(path, Expr.T_ANY, Attr.CONTEXT, requestKey(path), rest);
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

  /**
   * The key a condition looks a request attribute up by, as the JVM's canonical instance: adapters
   * name attributes with string literals (canonical too), so the request's lookup usually succeeds
   * on its first, identity comparison. Policy paths are bounded by the document's size.
   */
  private static String requestKey(String path) {
    return path.intern();
  }

}
