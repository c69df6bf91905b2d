package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.DenyCode;
import dev.agentguard.Risk;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProtectTest {

  interface Unannotated {
    @AgentTool("tickets.read")
    String read(@Attr("resource.id") String id);

    String helper();
  }

  interface AnnotatedOnImpl {
    String read(String id);
  }

  static final class AnnotatedOnImplImpl implements AnnotatedOnImpl {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    public String read(@Attr("resource.id") String id) {
      calls.incrementAndGet();
      return id;
    }
  }

  interface Conflicting {
    @AgentTool("tickets.read")
    String read(String id);
  }

  interface Repository<T> {
    @AgentTool(value = "tickets.read", action = "read")
    T find(@Attr("resource.id") String id);
  }

  interface WithDefault {
    @AgentTool(value = "tickets.read", action = "read")
    String read(@Attr("resource.id") String id);

    default String readTwice(String id) {
      return read(id) + read(id);
    }
  }

  interface BadRoot {
    @AgentTool("tickets.read")
    String read(@Attr("secret.id") String id);
  }

  interface BadName {
    @AgentTool("tickets read!")
    String read(String id);
  }

  interface BadType {
    @AgentTool("tickets.read")
    String read(@Attr("resource.id") Thread t);
  }

  @Test
  void findsTheAnnotationOnTheImplementation() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      AnnotatedOnImplImpl impl = new AnnotatedOnImplImpl();
      AnnotatedOnImpl tools = f.guard.protect(AnnotatedOnImpl.class, impl);
      assertEquals("T-1", tools.read("T-1"));
      f.guard.revokeTask(task.id());
      assertThrows(AccessDeniedException.class, () -> tools.read("T-1"));
      assertEquals(1, impl.calls.get());
    }
  }

  @Test
  void conflictingAnnotationsFailAtProtectTime() {
    try (GuardFixture f = new GuardFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(Conflicting.class, new Conflicting() {
            @Override
            @AgentTool("tickets.delete")
            public String read(String id) {
              return id;
            }
          }));
      assertTrue(e.getMessage().contains("conflicting @AgentTool"), e.getMessage());
    }
  }

  @Test
  void identicalAnnotationsOnBothAreFine() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      Conflicting tools = f.guard.protect(Conflicting.class, new Conflicting() {
        @Override
        @AgentTool("tickets.read")
        public String read(String id) {
          return id;
        }
      });
      assertEquals("x", tools.read("x"));
    }
  }

  @Test
  void unannotatedAbstractMethodsFailUnlessAllowed() {
    Unannotated impl = new Unannotated() {
      @Override
      public String read(String id) {
        return id;
      }

      @Override
      public String helper() {
        return "helped";
      }
    };
    try (GuardFixture f = new GuardFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(Unannotated.class, impl));
      assertTrue(e.getMessage().contains("helper"), e.getMessage());
    }
    try (GuardFixture f = new GuardFixture(b -> b.allowUnannotatedMethods(true))) {
      Unannotated tools = f.guard.protect(Unannotated.class, impl);
      assertEquals("helped", tools.helper(), "passes through without a task");
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> tools.read("x")).code());
    }
  }

  @Test
  void objectMethodsPassThrough() {
    try (GuardFixture f = new GuardFixture()) {
      assertEquals(f.impl.toString(), f.tools.toString());
      assertEquals(f.impl.hashCode(), f.tools.hashCode());
      assertTrue(f.tools.equals(f.impl));
    }
  }

  @Test
  void genericInterfacesWork() {
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      Repository<String> repo = f.guard.protect(castRepo(), new Repository<String>() {
        @Override
        public String find(String id) {
          return "found " + id;
        }
      });
      assertEquals("found 7", repo.find("7"));
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<Repository<String>> castRepo() {
    return (Class<Repository<String>>) (Class<?>) Repository.class;
  }

  @Test
  void defaultMethodsCallToolsThroughTheProxy() {
    AtomicInteger calls = new AtomicInteger();
    WithDefault impl = id -> {
      calls.incrementAndGet();
      return id;
    };
    try (GuardFixture f = new GuardFixture()) {
      WithDefault tools = f.guard.protect(WithDefault.class, impl);
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> tools.readTwice("a")).code());
      assertEquals(0, calls.get());
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("aa", tools.readTwice("a"));
        assertEquals(2, task.calls());
      }
    }
  }

  @Test
  void misdeclaredToolsFailAtProtectTime() {
    try (GuardFixture f = new GuardFixture()) {
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(BadRoot.class, id -> id)).getMessage().contains("secret.id"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(BadName.class, id -> id)).getMessage().contains("tickets read!"));
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(BadType.class, t -> "x")).getMessage().contains("java.lang.Thread"));
      assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(SupportTools.Impl.class, new SupportTools.Impl()));
    }
  }
}
