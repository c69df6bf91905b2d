package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir
  Path dir;

  @Test
  void helpListsTheCommandsAndExitsZero() {
    Cli.Result r = Cli.run("--help");
    assertEquals(Main.OK, r.code());
    assertTrue(r.out().contains("policy") && r.out().contains("audit"), r::toString);
    Cli.Result audit = Cli.run("audit", "--help");
    for (String c : new String[] {"verify", "show", "report", "replay", "unused"}) {
      assertTrue(audit.out().contains(c), c);
    }
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Cli.Result r = Cli.run("audit", "frobnicate");
    assertEquals(Main.USAGE, r.code(), r::toString);
    Cli.Result none = Cli.run("policy", "lint");
    assertEquals(Main.USAGE, none.code(), none::toString);
    assertTrue(none.err().contains("Missing required parameter"), none::toString);
  }

  @Test
  void aMissingPolicyFileIsOneLine() {
    Path missing = dir.resolve("missing.yaml");
    Cli.Result r = Cli.run("policy", "version", missing);
    assertEquals(Main.USAGE, r.code());
    assertEquals("agentguard: policy file not found: " + missing, r.err().strip());
  }

  @Test
  void aBadOptionValueIsAUsageErrorWithoutStackTrace() throws IOException {
    Path trail = Files.writeString(dir.resolve("a.jsonl"), "");
    Cli.Result r = Cli.run("audit", "show", trail, "--since", "yesterday");
    assertEquals(Main.USAGE, r.code(), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
    assertTrue(r.err().contains("--since"), r::toString);
  }

  @Test
  void theLauncherScriptRunsTheJarNamedByAgentguardJar() throws Exception {
    Path script = PolicySchemaTest.ROOT.resolve("agentguard-cli/bin/agentguard");
    assertTrue(Files.isExecutable(script), "bin/agentguard is executable");
    Process p = new ProcessBuilder("sh", script.toString(), "--version")
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    int code = p.waitFor();
    // before `package` there is no jar: the script says how to build it and exits 2
    Path jar = PolicySchemaTest.ROOT.resolve("agentguard-cli/target/agentguard.jar");
    if (Files.exists(jar)) {
      assertEquals(0, code, out);
      assertTrue(out.contains("agentguard 0.2.0"), out);
    } else {
      assertEquals(2, code, out);
      assertTrue(out.contains("not found; build it with"), out);
    }
  }
}
