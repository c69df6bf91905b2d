package dev.agentguard.core.guard;

import static dev.agentguard.core.guard.GuardFixture.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.DenyCode;
import dev.agentguard.Redact;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.PolicySet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The tool body runs on the arguments that were decided: bound and redacted arguments are copied once,
 * the decision, the record (and its digests) and the body all see that copy; an argument that cannot be
 * copied is a recorded deny, never an escaping exception.
 */
class ArgumentSnapshotTest {
  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support",
      "    effect: permit",
      "    agents: [\"spiffe://acme.example/agent/support-*\"]",
      "    tools: [\"mail.*\", \"tickets.*\"]",
      "  - id: no-mallory",
      "    effect: forbid",
      "    tools: [\"mail.*\"]",
      "    when: \"'mallory@evil.example' in resource.to\"",
      "  - id: no-seven",
      "    effect: forbid",
      "    tools: [\"tickets.bulk\"]",
      "    when: 7 in resource.ids",
      "limits:",
      "  - id: one-note",
      "    tools: [\"tickets.note\"]",
      "    maxCallsPerTask: 1",
      "");

  interface MailTools {
    @AgentTool(value = "mail.send", action = "send", risk = Risk.HIGH)
    String send(@Attr("resource.to") String[] to, @Redact char[] secret);

    @AgentTool(value = "mail.sendAll", action = "send", risk = Risk.HIGH)
    String sendAll(@Attr("resource.to") List<String> to);

    @AgentTool(value = "tickets.bulk", action = "write")
    String bulk(@Attr("resource.ids") long[] ids);

    @AgentTool(value = "tickets.numbers", action = "write")
    String numbers(@Attr("resource.a") int[] a, @Attr("resource.b") double[] b, @Attr("resource.c") boolean[] c,
        @Attr("resource.d") byte[] d, @Attr("resource.e") short[] e, @Attr("resource.f") float[] f,
        @Attr("resource.g") char[] g);

    @AgentTool(value = "tickets.note", action = "write")
    String note(@Redact CharSequence note);

    @AgentTool(value = "tickets.classify", action = "write")
    String classify(@Redact @Attr("resource.sensitivity") String sensitivity);
  }

  /** Records what the body received, as text, after the guard let the call through. */
  static class Recorder implements MailTools {
    final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String send(String[] to, char[] secret) {
      received.add(Arrays.toString(to) + " " + new String(secret));
      return "sent";
    }

    @Override
    public String sendAll(List<String> to) {
      received.add(to.toString());
      return "sent";
    }

    @Override
    public String bulk(long[] ids) {
      received.add(Arrays.toString(ids));
      return "done";
    }

    @Override
    public String numbers(int[] a, double[] b, boolean[] c, byte[] d, short[] e, float[] f, char[] g) {
      received.add(Arrays.toString(a) + Arrays.toString(b) + Arrays.toString(c) + Arrays.toString(d)
          + Arrays.toString(e) + Arrays.toString(f) + new String(g));
      return "done";
    }

    @Override
    public String note(CharSequence note) {
      received.add("note " + note);
      return "noted";
    }

    @Override
    public String classify(String sensitivity) {
      received.add("classify");
      return "classified";
    }
  }

  /** Runs its action after the policy allowed, before the body: "another thread" at the worst moment. */
  static final AtomicReference<Runnable> AFTER_ALLOW = new AtomicReference<>();

  private static GuardFixture fixture() {
    return new GuardFixture(PolicySet.parse(POLICY), b -> b.interceptor(chain -> {
      Decision d = chain.proceed(chain.request());
      Runnable r = AFTER_ALLOW.getAndSet(null);
      if (r != null && d.allowed()) {
        r.run();
      }
      return d;
    }));
  }

  private static TaskSpec task() {
    return spec().scopes("mail.*", "tickets.*").build();
  }

  private static List<AuditEvent> decisions(GuardFixture f) {
    return f.drainedEvents().stream().filter(e -> e.type().equals(AuditEvent.TOOL_DECISION))
        .collect(Collectors.toList());
  }

  static String sha256(String text) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anArrayChangedAfterTheAllowNeverReachesTheTool() throws Exception { // docs/security-cases.md #41
    Recorder impl = new Recorder();
    String[] to = {"bob@acme.example"};
    char[] secret = "s3cret".toCharArray();
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        AFTER_ALLOW.set(() -> {
          to[0] = "mallory@evil.example";
          secret[0] = 'X';
        });
        assertEquals("sent", tools.send(to, secret));
      }
      assertEquals(List.of("[bob@acme.example] s3cret"), impl.received, "the body ran on what was decided");
      AuditEvent decision = decisions(f).get(0);
      assertEquals("ALLOW", decision.decision());
      assertEquals(List.of("bob@acme.example"), decision.attributes().get("resource.to"));
      assertEquals(sha256("s3cret"), decision.attributes().get("redacted.secret"),
          "the digest is of the decided value, not of the live one");
    }
  }

  @Test
  void aListChangedAfterTheAllowNeverReachesTheTool() { // docs/security-cases.md #41
    Recorder impl = new Recorder();
    List<String> to = new ArrayList<>(List.of("bob@acme.example"));
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        AFTER_ALLOW.set(() -> to.set(0, "mallory@evil.example"));
        tools.sendAll(to);
      }
      assertEquals(List.of("[bob@acme.example]"), impl.received);
      assertEquals("mallory@evil.example", to.get(0), "sanity: the live list did change");
    }
  }

  @Test
  void aRecipientTheLiveArrayGainsIsStillForbidden() { // docs/security-cases.md #41
    Recorder impl = new Recorder();
    try (GuardFixture f = fixture(); AgentTask task = f.guard.startTask(task())) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> tools.send(new String[] {"bob@acme.example", "mallory@evil.example"}, new char[0]));
      assertEquals(DenyCode.FORBIDDEN, e.code());
      assertEquals(List.of(), impl.received);
    }
  }

  @Test
  void primitiveArraysAreBoundAsListsOfNumbers() { // docs/security-cases.md #41
    Recorder impl = new Recorder();
    long[] ids = {1, 2};
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        AFTER_ALLOW.set(() -> ids[0] = 7);
        assertEquals("done", tools.bulk(ids));
        assertEquals(DenyCode.FORBIDDEN,
            assertThrows(AccessDeniedException.class, () -> tools.bulk(new long[] {3, 7})).code());
        assertEquals("done", tools.numbers(new int[] {1}, new double[] {0.5}, new boolean[] {true},
            new byte[] {-1}, new short[] {2}, new float[] {1.5f}, "ab".toCharArray()));
      }
      assertEquals(List.of("[1, 2]", "[1][0.5][true][-1][2][1.5]ab"), impl.received);
      List<AuditEvent> decisions = decisions(f);
      assertEquals(List.of(1L, 2L), decisions.get(0).attributes().get("resource.ids"));
      assertEquals("FORBIDDEN", decisions.get(1).code());
      AuditEvent numbers = decisions.get(2);
      assertEquals("ALLOW", numbers.decision(), numbers.reasons()::toString);
      assertEquals(List.of(1L), numbers.attributes().get("resource.a"));
      assertEquals(List.of(0.5), numbers.attributes().get("resource.b"));
      assertEquals(List.of(true), numbers.attributes().get("resource.c"));
      assertEquals(List.of(-1L), numbers.attributes().get("resource.d"));
      assertEquals(List.of(2L), numbers.attributes().get("resource.e"));
      assertEquals(List.of(1.5), numbers.attributes().get("resource.f"));
      assertEquals("ab", numbers.attributes().get("resource.g"));
    }
  }

  @Test
  void aRedactedArgumentThatCannotBeReadIsARecordedDenyThatCostsNothing() { // docs/security-cases.md #42
    Recorder impl = new Recorder();
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.note(new Throwing(new IllegalStateException("sk_live_unreadable"))));
        assertEquals(DenyCode.EVALUATION_ERROR, e.code());
        assertFalse(String.valueOf(e.getMessage()).contains("sk_live"), e.getMessage());
        assertEquals(0, task.calls(), "no budget consumed");
        assertEquals("noted", tools.note("fine"), "the one-call budget is still there");
      }
      assertEquals(List.of("note fine"), impl.received, "the body never ran on the unreadable argument");
      List<AuditEvent> decisions = decisions(f);
      assertEquals(2, decisions.size());
      AuditEvent denied = decisions.get(0);
      assertEquals("EVALUATION_ERROR", denied.code());
      assertEquals("tickets.note", denied.tool());
      assertFalse(denied.reasons().toString().contains("sk_live"), denied.reasons()::toString);
      assertNull(denied.attributes().get("redacted.note"), "nothing was digested of it");
    }
  }

  /**
   * A char sequence whose toString throws what it is given (an Error, or a checked exception
   * sneakily); the messages would be secrets if anyone quoted them.
   */
  static final class Throwing implements CharSequence {
    private final Throwable thrown;

    Throwing(Throwable thrown) {
      this.thrown = thrown;
    }

    @Override
    public int length() {
      return 0;
    }

    @Override
    public char charAt(int index) {
      return 'x';
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return this;
    }

    @Override
    public String toString() {
      return Throwing.<RuntimeException>sneaky(thrown);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> String sneaky(Throwable t) throws E {
      throw (E) t;
    }
  }

  @Test
  void anErrorOrACheckedExceptionWhileReadingAnArgumentIsARecordedDeny() { // docs/security-cases.md #42
    Recorder impl = new Recorder();
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        for (Throwable t : List.of(new AssertionError("sk_live_a"), new java.io.IOException("sk_live_b"),
            new IllegalArgumentException("sk_live_c"),
            new StackOverflowError())) {
          AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.note(new Throwing(t)),
              t.getClass().getName());
          assertEquals(DenyCode.EVALUATION_ERROR, e.code());
          assertFalse(e.getMessage().contains("sk_live"), e.getMessage());
        }
        assertEquals(0, task.calls());
      }
      assertEquals(List.of(), impl.received);
      List<AuditEvent> decisions = decisions(f);
      assertEquals(List.of("EVALUATION_ERROR", "EVALUATION_ERROR", "EVALUATION_ERROR", "EVALUATION_ERROR"),
          decisions.stream().map(AuditEvent::code).collect(Collectors.toList()));
      decisions.forEach(d -> assertFalse(d.toString().contains("sk_live"), d::toString));
    }
  }

  @Test
  void noDenyReasonQuotesARedactedArgument() { // docs/security-cases.md #42
    Recorder impl = new Recorder();
    try (GuardFixture f = fixture()) {
      MailTools tools = f.guard.protect(MailTools.class, impl);
      try (AgentTask task = f.guard.startTask(task())) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> tools.classify("sk_live_123"));
        assertEquals(DenyCode.EVALUATION_ERROR, e.code());
        assertFalse(e.getMessage().contains("sk_live_123"), e.getMessage());
      }
      assertEquals(List.of(), impl.received);
      for (AuditEvent event : f.sink.events()) {
        assertFalse(event.toString().contains("sk_live_123"), event::toString);
      }
      AuditEvent denied = decisions(f).get(0);
      assertTrue(denied.reasons().toString().contains("resource.sensitivity"), denied.reasons()::toString);
    }
  }

  interface CopiesUnsafely {
    @AgentTool("tickets.tag")
    String tag(@Attr("resource.tags") ArrayList<String> tags);
  }

  interface BuildersInAList {
    @AgentTool("tickets.tag")
    String tag(@Attr("resource.tags") List<StringBuilder> tags);
  }

  interface RedactsAnObject {
    @AgentTool("tickets.tag")
    String tag(@Redact Object secret);
  }

  @Test
  void argumentTypesThatCannotBeCopiedFailAtProtectTime() { // docs/security-cases.md #41
    try (GuardFixture f = fixture()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.guard.protect(CopiesUnsafely.class, tags -> "x"));
      assertTrue(e.getMessage().contains("java.util.ArrayList") && e.getMessage().contains("List"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.guard.protect(BuildersInAList.class, tags -> "x"));
      assertTrue(e.getMessage().contains("java.lang.StringBuilder"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> f.guard.protect(RedactsAnObject.class, s -> "x"));
      assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }
  }

  @Test
  void theBodyWorksOnItsOwnCopy() { // docs/security-cases.md #41
    MailTools impl = new Recorder() {
      @Override
      public String sendAll(List<String> to) {
        to.add("mallory@evil.example");
        return "sent";
      }
    };
    List<String> to = new ArrayList<>(List.of("bob@acme.example"));
    try (GuardFixture f = fixture()) {
      try (AgentTask task = f.guard.startTask(task())) {
        f.guard.protect(MailTools.class, impl).sendAll(to);
      }
      assertEquals(List.of("bob@acme.example"), to, "what the tool does with its copy stays with it");
      for (AuditEvent e : f.drainedEvents()) {
        assertFalse(e.toString().contains("mallory"), e::toString);
      }
    }
  }
}
