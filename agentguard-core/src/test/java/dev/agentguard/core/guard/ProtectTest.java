package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.allScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.DenyCode;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProtectTest {

  interface Unannotated {
    @AgentTool("tickets.read")
    String read(@Attr("resource.id") String id);

    String helper();
  }

  /** More methods than the proxy's identity table keeps (16): the rest are looked up by hash. */
  interface Wide {
    int m00();

    int m01();

    int m02();

    int m03();

    int m04();

    int m05();

    int m06();

    int m07();

    int m08();

    int m09();

    int m10();

    int m11();

    int m12();

    int m13();

    int m14();

    int m15();

    int m16();

    int m17();

    int m18();

    int m19();

    @AgentTool("tickets.read")
    String read(@Attr("resource.id") String id);
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
  void findsTheAnnotationOnTheImplementation() { // docs/security-cases.md #21
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
  void conflictingAnnotationsFailAtProtectTime() { // docs/security-cases.md #21
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
  void identicalAnnotationsOnBothAreFine() { // docs/security-cases.md #21
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
  void unannotatedAbstractMethodsFailUnlessAllowed() { // docs/security-cases.md #22
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
  void everyMethodOfAWideInterfaceKeepsItsOwnRouteOnEveryCall() { // docs/security-cases.md #22
    Wide impl = new Wide() {
      @Override
      public int m00() {
        return 0;
      }

      @Override
      public int m01() {
        return 1;
      }

      @Override
      public int m02() {
        return 2;
      }

      @Override
      public int m03() {
        return 3;
      }

      @Override
      public int m04() {
        return 4;
      }

      @Override
      public int m05() {
        return 5;
      }

      @Override
      public int m06() {
        return 6;
      }

      @Override
      public int m07() {
        return 7;
      }

      @Override
      public int m08() {
        return 8;
      }

      @Override
      public int m09() {
        return 9;
      }

      @Override
      public int m10() {
        return 10;
      }

      @Override
      public int m11() {
        return 11;
      }

      @Override
      public int m12() {
        return 12;
      }

      @Override
      public int m13() {
        return 13;
      }

      @Override
      public int m14() {
        return 14;
      }

      @Override
      public int m15() {
        return 15;
      }

      @Override
      public int m16() {
        return 16;
      }

      @Override
      public int m17() {
        return 17;
      }

      @Override
      public int m18() {
        return 18;
      }

      @Override
      public int m19() {
        return 19;
      }

      @Override
      public String read(String id) {
        return id;
      }
    };
    try (GuardFixture f = new GuardFixture(b -> b.allowUnannotatedMethods(true))) {
      Wide tools = f.guard.protect(Wide.class, impl);
      for (int round = 0; round < 3; round++) { // first calls fill the identity table, later ones read it
        assertEquals(0, tools.m00());
        assertEquals(1, tools.m01());
        assertEquals(2, tools.m02());
        assertEquals(3, tools.m03());
        assertEquals(4, tools.m04());
        assertEquals(5, tools.m05());
        assertEquals(6, tools.m06());
        assertEquals(7, tools.m07());
        assertEquals(8, tools.m08());
        assertEquals(9, tools.m09());
        assertEquals(10, tools.m10());
        assertEquals(11, tools.m11());
        assertEquals(12, tools.m12());
        assertEquals(13, tools.m13());
        assertEquals(14, tools.m14());
        assertEquals(15, tools.m15());
        assertEquals(16, tools.m16());
        assertEquals(17, tools.m17());
        assertEquals(18, tools.m18());
        assertEquals(19, tools.m19());
        // the tool comes after 20 others: past the identity table, still decided (no task: denied)
        assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> tools.read("x")).code());
      }
    }
  }

  @Test
  void objectMethodsPassThrough() { // docs/security-cases.md #22
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

  // ---------------------------------------------------------------- Object-named tools

  /** Re-declares the three Object methods as tools. */
  interface ObjectNamedTools {
    @AgentTool(value = "tickets.describe", action = "read", risk = Risk.LOW)
    @Override
    String toString();

    @AgentTool(value = "tickets.hash", action = "read", risk = Risk.LOW)
    @Override
    int hashCode();

    @AgentTool(value = "tickets.same", action = "read", risk = Risk.LOW)
    @Override
    boolean equals(Object other);
  }

  static final class ObjectNamedImpl implements ObjectNamedTools {
    final List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String toString() {
      ran.add("toString");
      return "described";
    }

    @Override
    public int hashCode() {
      ran.add("hashCode");
      return 42;
    }

    @Override
    public boolean equals(Object other) {
      ran.add("equals");
      return other == this;
    }
  }

  /** A plain interface whose implementation annotates toString: still a tool. */
  interface Plain {
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    String read(@Attr("resource.id") String id);
  }

  @Test
  void objectNamedToolsAreGuardedLikeAnyTool() { // docs/security-cases.md #37
    ObjectNamedImpl impl = new ObjectNamedImpl();
    try (GuardFixture f = new GuardFixture()) {
      ObjectNamedTools tools = f.guard.protect(ObjectNamedTools.class, impl);
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, tools::toString).code());
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, tools::hashCode).code());
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> tools.equals(impl)).code());
      assertEquals(List.of(), impl.ran, "no body ran without a task");
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("described", tools.toString());
        assertEquals(42, tools.hashCode());
        assertFalse(tools.equals("x"));
        assertEquals(3, task.calls());
      }
      assertEquals(List.of("toString", "hashCode", "equals"), impl.ran);
      List<AuditEvent> decisions = f.drainedEvents().stream()
          .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).collect(Collectors.toList());
      assertEquals(List.of("tickets.describe", "tickets.hash", "tickets.same", "tickets.describe", "tickets.hash",
          "tickets.same"), decisions.stream().map(AuditEvent::tool).collect(Collectors.toList()));
      assertEquals(List.of("DENY", "DENY", "DENY", "ALLOW", "ALLOW", "ALLOW"),
          decisions.stream().map(AuditEvent::decision).collect(Collectors.toList()));
    }
  }

  @Test
  void anImplementationAnnotatingToStringMakesItATool() { // docs/security-cases.md #37
    AtomicInteger ran = new AtomicInteger();
    Plain impl = new Plain() {
      @Override
      public String read(String id) {
        return id;
      }

      @Override
      @AgentTool(value = "tickets.describe", action = "read", risk = Risk.LOW)
      public String toString() {
        ran.incrementAndGet();
        return "described";
      }
    };
    try (GuardFixture f = new GuardFixture()) {
      Plain tools = f.guard.protect(Plain.class, impl);
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, tools::toString).code());
      assertEquals(0, ran.get());
      assertEquals(impl.hashCode(), tools.hashCode(), "unannotated Object methods still pass through");
    }
  }

  // ---------------------------------------------------------------- diamonds

  interface ReadsLow {
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    String read(@Attr("resource.id") String id);
  }

  interface ReadsCritical {
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.CRITICAL)
    String read(@Attr("resource.id") String id);
  }

  interface Diamond extends ReadsLow, ReadsCritical {}

  interface SameDiamond extends ReadsLow, AlsoReadsLow {}

  interface AlsoReadsLow {
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    String read(@Attr("resource.id") String id);
  }

  interface RedeclaredWithout extends ReadsCritical {
    @Override
    String read(String id);
  }

  @Test
  void conflictingInheritedDeclarationsFailAtProtectTime() { // docs/security-cases.md #38
    try (GuardFixture f = new GuardFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(Diamond.class, id -> id));
      assertTrue(e.getMessage().contains("conflicting @AgentTool"), e.getMessage());
      assertTrue(e.getMessage().contains(ReadsLow.class.getName() + ".read"), e.getMessage());
      assertTrue(e.getMessage().contains(ReadsCritical.class.getName() + ".read"), e.getMessage());
    }
  }

  @Test
  void identicalInheritedDeclarationsAreOneTool() { // docs/security-cases.md #38
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      SameDiamond tools = f.guard.protect(SameDiamond.class, id -> "r " + id);
      assertEquals("r 1", tools.read("1"));
    }
  }

  @Test
  void aRedeclarationWithoutTheAnnotationStaysTheInheritedTool() { // docs/security-cases.md #38
    AtomicInteger ran = new AtomicInteger();
    try (GuardFixture f = new GuardFixture(b -> b.allowUnannotatedMethods(true))) {
      RedeclaredWithout tools = f.guard.protect(RedeclaredWithout.class, id -> {
        ran.incrementAndGet();
        return id;
      });
      assertEquals(DenyCode.NO_TASK, assertThrows(AccessDeniedException.class, () -> tools.read("1")).code());
      assertEquals(0, ran.get());
    }
  }

  // ---------------------------------------------------------------- generics, bridges, overloads

  interface Store<T> {
    void put(T value);
  }

  /** Remembers which overload ran. */
  abstract static class Recording {
    final AtomicReference<String> ran = new AtomicReference<>();
  }

  /** put(Integer) declared before put(String): declaration order must not matter. */
  static final class IntegerFirstStore extends Recording implements Store<String> {
    @AgentTool(value = "tickets.note", action = "write", risk = Risk.LOW)
    public void put(Integer value) {
      ran.set("put(Integer)");
    }

    @Override
    @AgentTool(value = "tickets.write", action = "write", risk = Risk.CRITICAL)
    public void put(String value) {
      ran.set("put(String)");
    }
  }

  /** put(String) declared before put(Integer). */
  static final class StringFirstStore extends Recording implements Store<String> {
    @Override
    @AgentTool(value = "tickets.write", action = "write", risk = Risk.CRITICAL)
    public void put(String value) {
      ran.set("put(String)");
    }

    @AgentTool(value = "tickets.note", action = "write", risk = Risk.LOW)
    public void put(Integer value) {
      ran.set("put(Integer)");
    }
  }

  /** The type argument reaches Store through a generic superclass. */
  abstract static class BaseStore<V> extends Recording implements Store<V> {}

  static final class InheritedStore extends BaseStore<String> {
    @AgentTool(value = "tickets.note", action = "write", risk = Risk.LOW)
    public void put(Integer value) {
      ran.set("put(Integer)");
    }

    @Override
    @AgentTool(value = "tickets.write", action = "write", risk = Risk.CRITICAL)
    public void put(String value) {
      ran.set("put(String)");
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<Store<String>> storeClass() {
    return (Class<Store<String>>) (Class<?>) Store.class;
  }

  private static AuditEvent onlyDecision(GuardFixture f) {
    List<AuditEvent> decisions = f.drainedEvents().stream()
        .filter(e -> e.type().equals(AuditEvent.TOOL_DECISION)).collect(Collectors.toList());
    assertEquals(1, decisions.size(), decisions::toString);
    return decisions.get(0);
  }

  @Test
  void aBridgedCallIsDecidedAsTheOverloadThatRuns() { // docs/security-cases.md #38
    for (Store<String> impl : List.<Store<String>>of(new IntegerFirstStore(), new StringFirstStore(),
        new InheritedStore())) {
      try (GuardFixture f = new GuardFixture()) {
        Store<String> store = f.guard.protect(storeClass(), impl);
        try (AgentTask task = f.guard.startTask(allScopes())) {
          try {
            store.put("x");
          } catch (AccessDeniedException denied) {
            // whether a CRITICAL call is allowed is not the point; what it was decided as is
          }
        }
        AuditEvent decision = onlyDecision(f);
        assertEquals("tickets.write", decision.tool(), impl.getClass().getSimpleName());
        assertEquals("critical", decision.risk(), impl.getClass().getSimpleName());
        String ran = ((Recording) impl).ran.get();
        if ("ALLOW".equals(decision.decision())) {
          assertEquals("put(String)", ran);
        } else {
          assertEquals(null, ran, "a denied call never runs");
        }
      }
    }
  }

  interface Finder {
    Object find(String id);
  }

  interface GenericFinder<T> {
    T find(String id);
  }

  @Test
  void aCovariantReturnIsResolvedToTheRealMethod() { // docs/security-cases.md #38
    Finder covariant = new Finder() {
      @Override
      @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
      public String find(@Attr("resource.id") String id) {
        return "found " + id;
      }
    };
    GenericFinder<String> generic = new GenericFinder<>() {
      @Override
      @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
      public String find(@Attr("resource.id") String id) {
        return "found " + id;
      }
    };
    try (GuardFixture f = new GuardFixture(); AgentTask task = f.guard.startTask(allScopes())) {
      assertEquals("found 1", f.guard.protect(Finder.class, covariant).find("1"));
      @SuppressWarnings("unchecked")
      Class<GenericFinder<String>> type = (Class<GenericFinder<String>>) (Class<?>) GenericFinder.class;
      assertEquals("found 2", f.guard.protect(type, generic).find("2"));
      assertEquals(2, task.calls());
    }
  }

  @Test
  void guardMethodOfABridgeDecidesAsTheMethodItBridgesTo() throws Exception { // docs/security-cases.md #38
    IntegerFirstStore impl = new IntegerFirstStore();
    java.lang.reflect.Method bridge = IntegerFirstStore.class.getMethod("put", Object.class);
    assertTrue(bridge.isBridge(), "sanity: javac made a bridge");
    try (GuardFixture f = new GuardFixture()) {
      assertEquals("tickets.write", f.guard.guardMethod(impl, bridge).tool());
      assertEquals(Risk.CRITICAL, f.guard.guardMethod(impl, Store.class.getMethod("put", Object.class)).risk());
    }
  }

  // ---------------------------------------------------------------- @Redact audit keys

  interface NamedRedaction {
    @AgentTool(value = "tickets.comment", action = "write", risk = Risk.LOW)
    String comment(@Attr("resource.id") String id, @dev.agentguard.Redact("text") String body);
  }

  @Test
  void aRedactNameIsTheAuditKey() {
    try (GuardFixture f = new GuardFixture()) {
      NamedRedaction tools = f.guard.protect(NamedRedaction.class, (id, body) -> "ok");
      try (AgentTask task = f.guard.startTask(allScopes())) {
        assertEquals("ok", tools.comment("T-1", "hello"));
      }
      AuditEvent decision = onlyDecision(f);
      assertTrue(String.valueOf(decision.attributes().get("redacted.text")).startsWith("sha256:"),
          decision.attributes()::toString);
    }
  }

  /** Compiles {@code source} without {@code -parameters}, as many builds do, and loads the type. */
  private static Class<?> compiledWithoutParameterNames(String name, String source,
      java.nio.file.Path dir) throws Exception {
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    java.nio.file.Path file = dir.resolve(name + ".java");
    java.nio.file.Files.writeString(file, source);
    String classpath = String.join(java.io.File.pathSeparator,
        java.nio.file.Path.of(AgentTool.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    int status = javac.run(null, null, null, "-d", dir.toString(), "-classpath", classpath, file.toString());
    assertEquals(0, status, "javac");
    java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
        ProtectTest.class.getClassLoader());
    return loader.loadClass(name);
  }

  @Test
  void anUnnamedRedactWithoutParameterNamesFailsAtProtectTime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    Class<?> type = compiledWithoutParameterNames("NoNames", String.join("\n",
        "public interface NoNames {",
        "  @dev.agentguard.AgentTool(\"tickets.comment\")",
        "  String comment(@dev.agentguard.Redact String body);",
        "  @dev.agentguard.AgentTool(\"tickets.note\")",
        "  String note(@dev.agentguard.Redact(\"text\") String body);",
        "}"), dir);
    assertFalse(type.getMethod("comment", String.class).getParameters()[0].isNamePresent(), "sanity: no names");
    Object target = java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (p, m, a) -> "ok");
    try (GuardFixture f = new GuardFixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.guardMethod(target, type.getMethod("comment", String.class)));
      assertTrue(e.getMessage().contains("@Redact(\"name\")") && e.getMessage().contains("-parameters"),
          e.getMessage());
      assertEquals("tickets.note", f.guard.guardMethod(target, type.getMethod("note", String.class)).tool(),
          "a named @Redact needs no parameter names");
    }
  }
}
