package dev.agentguard.core.internal.policy;

import dev.agentguard.AgentIdentity;
import dev.agentguard.TaskState;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.internal.policy.Expr.Cond;
import dev.agentguard.core.internal.policy.Expr.Val;

import static dev.agentguard.core.internal.policy.Expr.FALSE;
import static dev.agentguard.core.internal.policy.Expr.TRUE;
import static dev.agentguard.core.internal.policy.Expr.MISSING;
import static dev.agentguard.core.internal.policy.Expr.NON_FINITE;
import static dev.agentguard.core.internal.policy.Expr.NOT_EVALUATED;
import static dev.agentguard.core.internal.policy.Expr.OVERFLOW;
import static dev.agentguard.core.internal.policy.Expr.T_BOOL;
import static dev.agentguard.core.internal.policy.Semantics.isNonFinite;

/** Value nodes: literals, a condition used as a value, and attribute accessors (one node kind per field). */
final class ValueNodes {
  private ValueNodes() {}

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
}
