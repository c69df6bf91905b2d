package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.TaskState;
import dev.agentguard.ToolInterceptor;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicyLimit;
import dev.agentguard.core.PolicySet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InterceptorTest {

  private static DenyCode denyCodeWith(ToolInterceptor interceptor) {
    try (GuardFixture f = new GuardFixture(b -> b.interceptor(interceptor));
        AgentTask task = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(0, f.impl.invocations.get(), "the target must never run on a deny");
      return e.code();
    }
  }

  @Test
  void aThrowingInterceptorDenies() {
    assertEquals(DenyCode.EVALUATION_ERROR, denyCodeWith(chain -> {
      throw new IllegalStateException("interceptor bug");
    }));
  }

  @Test
  void anInterceptorCannotForgeAnAllow() {
    assertEquals(DenyCode.EVALUATION_ERROR,
        denyCodeWith(chain -> Decision.allow(List.of("trust me"), List.of("forged"), null)));
  }

  @Test
  void anInterceptorCannotTurnADenyIntoAnAllowFromAnEarlierProceed() {
    ToolInterceptor sneaky = chain -> {
      Decision first = chain.proceed(chain.request());
      try {
        chain.proceed(chain.request().toBuilder().attribute("resource.id", "other").build());
      } catch (IllegalStateException expected) {
        // swallowed on purpose: the guard must still deny
      }
      return first;
    };
    assertEquals(DenyCode.EVALUATION_ERROR, denyCodeWith(sneaky));
  }

  @Test
  void nullFromAnInterceptorDenies() {
    assertEquals(DenyCode.EVALUATION_ERROR, denyCodeWith(chain -> null));
  }

  @Test
  void aRequestForAnotherToolDenies() {
    assertEquals(DenyCode.EVALUATION_ERROR,
        denyCodeWith(chain -> chain.proceed(ToolRequest.builder("tickets.close").build())));
  }

  @Test
  void anInterceptorDenyIsHonoured() {
    assertEquals(DenyCode.APPROVAL_REQUIRED,
        denyCodeWith(chain -> Decision.deny(DenyCode.APPROVAL_REQUIRED, "a human must approve")));
  }

  @Test
  void interceptorsRunInOrderAndMayEnrichTheRequest() {
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    ToolInterceptor first = chain -> {
      order.add("first");
      return chain.proceed(chain.request().toBuilder().attribute("context.environment", "staging").build());
    };
    ToolInterceptor second = chain -> {
      order.add("second:" + chain.request().attribute("context.environment"));
      return chain.proceed(chain.request());
    };
    try (GuardFixture f = new GuardFixture(b -> b.interceptor(first).interceptor(second));
        AgentTask task = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.NO_MATCHING_PERMIT, e.code(), "the enriched request (staging) was decided");
      assertEquals(List.of("first", "second:staging"), order);
    }
  }

  @Test
  void aPassThroughInterceptorKeepsTheAllow() {
    AtomicInteger seen = new AtomicInteger();
    try (GuardFixture f = new GuardFixture(b -> b.interceptor(chain -> {
      seen.incrementAndGet();
      assertTrue(chain.task().isOpen());
      return chain.proceed(chain.request());
    })); AgentTask task = f.guard.startTask(allScopes())) {
      assertEquals("ticket T-1", f.tools.read("T-1"));
      assertEquals(1, seen.get());
    }
  }

  /** docs/security-cases.md #24: a policy evaluation that throws denies and is audited, never allows. */
  @Test
  void aThrowingPolicyEvaluationDenies() {
    PolicySet real = PolicySet.parse(GuardFixture.POLICY);
    PolicySet throwing = new PolicySet() {
      @Override
      public String version() {
        return real.version();
      }

      @Override
      public String source() {
        return "throwing";
      }

      @Override
      public List<String> ruleIds() {
        return real.ruleIds();
      }

      @Override
      public Decision evaluate(AgentIdentity agent, ToolRequest request) {
        throw new IllegalStateException("engine bug");
      }

      @Override
      public Decision evaluate(AgentIdentity agent, ToolRequest request, TaskState task, long now) {
        throw new IllegalStateException("engine bug");
      }

      @Override
      public List<PolicyLimit> limitsFor(String tool, String agentId) {
        return List.of();
      }
    };
    try (GuardFixture f = new GuardFixture(throwing, b -> b); AgentTask task = f.guard.startTask(allScopes())) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> f.tools.read("T-1"));
      assertEquals(DenyCode.EVALUATION_ERROR, e.code());
      assertEquals(0, f.impl.invocations.get());
      assertTrue(f.drainedEvents().stream().anyMatch(ev -> "EVALUATION_ERROR".equals(ev.code())));
    }
  }
}
