package dev.agentguard.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import dev.agentguard.Decision;
import dev.agentguard.PolicyException;
import dev.agentguard.ToolRequest;
import dev.agentguard.core.PolicyListener;
import dev.agentguard.core.PolicySet;
import dev.agentguard.core.PolicySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySourceTest {
  static final AgentIdentity BOT = AgentIdentity.of("bot");
  static final ToolRequest READ = ToolRequest.builder("tickets.read").build();
  static final ToolRequest SEND = ToolRequest.builder("email.send").build();

  static String policy(String tool) {
    return "version: 1\npolicies:\n  - id: p\n    effect: permit\n    tools: [\"" + tool + "\"]\n";
  }

  static final class Recorder implements PolicyListener {
    final List<String> loaded = new CopyOnWriteArrayList<>();
    final List<PolicyException> rejected = new CopyOnWriteArrayList<>();

    @Override
    public void loaded(PolicySet set) {
      loaded.add(set.version());
    }

    @Override
    public void rejected(String source, PolicyException error) {
      rejected.add(error);
    }
  }

  static void atomicWrite(Path target, String content) throws Exception {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void keepsTheLastGoodVersionAcrossHalfWrittenAndInvalidContent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("tickets.read"));
    Recorder rec = new Recorder();
    try (PolicySource src = PolicySource.builder(file).listener(rec).pollInterval(Duration.ofHours(1)).build()) {
      PolicySet v1 = src.current();
      assertNotNull(v1);
      assertEquals(List.of(v1.version()), rec.loaded);
      assertTrue(v1.evaluate(BOT, READ).allowed());

      // unchanged content: no new version
      assertFalse(src.reload());

      // half-written file: truncated in the middle of a rule
      String v2text = policy("email.send");
      Files.writeString(file, v2text.substring(0, v2text.length() - 12));
      src.reload();
      assertEquals(v1, src.current());
      // (the watcher thread may also have seen the empty file between truncate and write)
      assertTrue(rec.rejected.size() >= 1);
      assertEquals(file.toString(), rec.rejected.get(0).source());

      // a syntax error
      Files.writeString(file, "version: 1\npolicies: [\n");
      src.reload();
      assertEquals(v1, src.current());
      int rejectedSoFar = rec.rejected.size();
      assertTrue(rejectedSoFar >= 2);
      assertFalse(src.reload()); // the same bad content is reported once
      assertEquals(rejectedSoFar, rec.rejected.size());
      assertEquals(1, rec.loaded.size());

      // an alias bomb and a deeply nested document (docs/security-cases.md #2): rejected, v1 stays live
      atomicWrite(file, "version: 1\na: &a [x, x, x]\nb: &b [*a, *a, *a]\npolicies: [*b]\n");
      src.reload();
      atomicWrite(file, "version: 1\npolicies: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
      src.reload();
      assertEquals(v1, src.current());
      assertEquals(rejectedSoFar + 2, rec.rejected.size());

      // a valid new version by atomic rename
      atomicWrite(file, v2text);
      src.reload();
      PolicySet v2 = src.current();
      assertFalse(v1.version().equals(v2.version()));
      assertTrue(v2.evaluate(BOT, SEND).allowed());
      assertFalse(v2.evaluate(BOT, READ).allowed());
      assertEquals(List.of(v1.version(), v2.version()), rec.loaded);

      // same policy, different formatting: same version, no swap
      atomicWrite(file, "# comment\n" + v2text);
      assertFalse(src.reload());
      assertEquals(v2, src.current());
    }
  }

  @Test
  void followsSymlinkSwaps(@TempDir Path dir) throws Exception {
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.writeString(a, policy("tickets.read"));
    Files.writeString(b, policy("email.send"));
    Path link = dir.resolve("policy.yaml");
    Files.createSymbolicLink(link, a);
    Recorder rec = new Recorder();
    try (PolicySource src = PolicySource.builder(link).listener(rec).pollInterval(Duration.ofHours(1)).build()) {
      assertTrue(src.current().evaluate(BOT, READ).allowed());
      Path tmpLink = dir.resolve("policy.yaml.new");
      Files.createSymbolicLink(tmpLink, b);
      Files.move(tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      src.reload();
      assertTrue(src.current().evaluate(BOT, SEND).allowed());
      assertEquals(2, rec.loaded.size());
    }
  }

  @Test
  void noValidPolicyAtStartMeansNull(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("missing.yaml");
    Recorder rec = new Recorder();
    try (PolicySource src = PolicySource.builder(file).listener(rec).pollInterval(Duration.ofHours(1)).build()) {
      assertNull(src.current());
      assertEquals(1, rec.rejected.size());
      Files.writeString(file, "version: 2\npolicies: []\n");
      src.reload();
      assertNull(src.current());
      Files.writeString(file, policy("x"));
      src.reload();
      assertNotNull(src.current());
    }
  }

  @Test
  void theWatcherThreadPicksUpChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("tickets.read"));
    try (PolicySource src = PolicySource.builder(file).pollInterval(Duration.ofMillis(50)).build()) {
      assertTrue(Thread.getAllStackTraces().keySet().stream()
          .anyMatch(t -> t.getName().equals("agentguard-policy-watch") && t.isDaemon()));
      String v1 = src.current().version();
      atomicWrite(file, policy("email.send"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (src.current().version().equals(v1) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(src.current().evaluate(BOT, SEND).allowed());
    }
  }

  @Test
  void listenerExceptionsDoNotKillTheWatcher(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("a"));
    AtomicReference<String> last = new AtomicReference<>();
    PolicyListener throwing = new PolicyListener() {
      @Override
      public void loaded(PolicySet set) {
        last.set(set.version());
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void rejected(String source, PolicyException error) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (PolicySource src = PolicySource.builder(file).listener(throwing).pollInterval(Duration.ofHours(1)).build()) {
      Files.writeString(file, "garbage: [");
      src.reload();
      Files.writeString(file, policy("b"));
      src.reload();
      assertEquals(last.get(), src.current().version());
      assertTrue(src.current().evaluate(BOT, ToolRequest.builder("b").build()).allowed());
    }
  }

  /** docs/security-cases.md #2, #11: a watched file is bounded like PolicySet.load, before it is read. */
  @Test
  void anOversizedFileIsRejectedWithoutBeingReadAndTheOldPolicyStays(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("tickets.read"));
    Recorder rec = new Recorder();
    try (PolicySource src = PolicySource.builder(file).listener(rec).pollInterval(Duration.ofHours(1)).build()) {
      PolicySet v1 = src.current();
      // a sparse 3 GiB file: reading it whole would need an array larger than any JVM allows
      Path big = dir.resolve("big.tmp");
      try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
        raf.setLength(3L << 30);
      }
      Files.move(big, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertFalse(src.reload());
      assertEquals(v1, src.current());
      assertEquals(1, rec.rejected.size());
      assertTrue(rec.rejected.get(0).getMessage().contains("larger than"), rec.rejected.get(0).getMessage());
      // a valid version, then one just past the limit (a comment padding it out): rejected, v2 stays
      atomicWrite(file, policy("email.send"));
      assertTrue(src.reload());
      PolicySet v2 = src.current();
      atomicWrite(file, policy("tickets.read") + "#".repeat(16 * 1024 * 1024));
      assertFalse(src.reload());
      assertEquals(v2, src.current());
      assertEquals(2, rec.rejected.size());
      assertTrue(rec.rejected.get(1).getMessage().contains("larger than 16777216 bytes"), rec.rejected.get(1).getMessage());
    }
  }

  /** An Error thrown by a listener (not only a RuntimeException) is isolated; the watcher keeps working. */
  @Test
  void listenerErrorsDoNotKillTheWatcherThread(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("a"));
    List<String> loaded = new CopyOnWriteArrayList<>();
    PolicyListener throwing = new PolicyListener() {
      @Override
      public void loaded(PolicySet set) {
        loaded.add(set.version());
        throw loaded.size() % 2 == 0 ? new StackOverflowError("listener bug") : new AssertionError("listener bug");
      }

      @Override
      public void rejected(String source, PolicyException error) {
        throw new AssertionError("listener bug");
      }
    };
    try (PolicySource src = PolicySource.builder(file).listener(throwing).pollInterval(Duration.ofMillis(20)).build()) {
      assertNotNull(src.current());
      for (String tool : List.of("b", "broken", "c", "d")) {
        String before = src.current().version();
        atomicWrite(file, tool.equals("broken") ? "garbage: [" : policy(tool));
        if (tool.equals("broken")) {
          continue;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (src.current().version().equals(before) && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        assertTrue(src.current().evaluate(BOT, ToolRequest.builder(tool).build()).allowed(),
            "the watcher thread still picks up changes after a listener threw an Error: " + tool);
      }
      assertEquals(4, loaded.size());
    }
  }

  @Test
  void closeStopsTheThreadAndIsIdempotent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, policy("a"));
    PolicySource src = PolicySource.builder(file).pollInterval(Duration.ofMillis(20)).build();
    PolicySet set = src.current();
    src.close();
    src.close();
    assertEquals(set, src.current());
    Files.writeString(file, policy("b"));
    assertFalse(src.reload());
    assertEquals(set, src.current());
  }

  @Test
  void builderValidates(@TempDir Path dir) {
    assertThrows(IllegalArgumentException.class, () -> PolicySource.builder(dir.resolve("x")).pollInterval(Duration.ZERO));
    assertThrows(IllegalStateException.class,
        () -> PolicySource.builder(dir.resolve("x")).listener(new PolicyListener() {}).listener(new PolicyListener() {}));
    assertThrows(NullPointerException.class, () -> PolicySource.builder(null));
  }

  /** docs/security-cases.md #34: every decision equals what the old or the new version gives, and records which. */
  @Test
  void versionFlipsWhileThreadsEvaluate(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.yaml");
    String[] texts = {policy("tickets.read"), policy("email.send"), policy("**"), "version: 1\npolicies: []\n"};
    Map<String, Map<String, Decision>> expected = new ConcurrentHashMap<>();
    for (String t : texts) {
      PolicySet s = PolicySet.parse(t, file.toString());
      expected.put(s.version(), Map.of("r", s.evaluate(BOT, READ), "s", s.evaluate(BOT, SEND)));
    }
    Files.writeString(file, texts[0]);
    try (PolicySource src = PolicySource.builder(file).pollInterval(Duration.ofHours(1)).build()) {
      AtomicBoolean stop = new AtomicBoolean();
      List<String> problems = new CopyOnWriteArrayList<>();
      Map<String, Boolean> seen = new ConcurrentHashMap<>();
      Thread[] workers = new Thread[3];
      for (int w = 0; w < workers.length; w++) {
        workers[w] = new Thread(() -> {
          while (!stop.get()) {
            PolicySet s = src.current();
            Decision r = s.evaluate(BOT, READ);
            Decision d = s.evaluate(BOT, SEND);
            Map<String, Decision> exp = expected.get(r.policyVersion());
            if (exp == null || !exp.get("r").equals(r) || !expected.get(d.policyVersion()).get("s").equals(d)
                || !r.policyVersion().equals(s.version())) {
              problems.add(r + " / " + d);
            }
            seen.put(r.policyVersion(), true);
          }
        });
        workers[w].start();
      }
      for (int i = 0; i < 40; i++) {
        String t = texts[i % texts.length];
        if (i % 5 == 4) {
          Files.writeString(file, t.substring(0, t.length() / 2) + "\n  - {"); // half-written
        } else {
          atomicWrite(file, t);
        }
        src.reload();
      }
      stop.set(true);
      for (Thread t : workers) {
        t.join(10_000);
      }
      assertEquals(List.of(), problems);
      assertTrue(seen.size() >= 2, "threads saw several versions: " + seen.keySet());
    }
  }
}
