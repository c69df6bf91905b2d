package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifyCommandTest {
  @TempDir
  Path dir;

  @Test
  void verifiesAnUntouchedTrailAndSaysSignaturesAreNotPinned() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Cli.Result r = Cli.run("audit", "verify", w.file());
    assertEquals(Main.OK, r.code(), r::toString);
    assertTrue(r.out().startsWith("VERIFIED: "), r::toString);
    assertTrue(r.out().contains("signatures SELF-CONSISTENT"), r::toString);
    assertTrue(r.out().contains("clean close: yes"), r::toString);

    JsonNode json = Cli.run("audit", "verify", "--json", w.file()).json();
    assertTrue(json.get("ok").asBoolean());
    assertEquals("NONE", json.get("kind").asText());
    assertEquals(Trails.lines(w.file()).size(), json.get("eventsChecked").asLong());
    assertTrue(json.get("checkpoints").asLong() >= 2, json::toString);
    assertFalse(json.get("signaturesPinned").asBoolean());
    assertEquals("SELF_CONSISTENT", json.get("signatureCheck").asText());
    assertTrue(json.get("endedCleanly").asBoolean());
    assertEquals(0, json.get("uncleanRestartSeqs").size());
  }

  @Test
  void recordsRemovedFromTheEndVerifyButDidNotEndCleanly() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    List<String> lines = Trails.lines(w.file());
    Files.write(w.file(), lines.subList(0, lines.size() - 3), StandardCharsets.UTF_8);
    Cli.Result r = Cli.run("audit", "verify", w.file());
    assertEquals(Main.OK, r.code(), "the chain that is left verifies: " + r);
    assertTrue(r.out().contains("clean close: NO"), r::toString);
    assertFalse(Cli.run("audit", "verify", "--json", w.file()).json().get("endedCleanly").asBoolean());
    Cli.Result strict = Cli.run("audit", "verify", "--require-clean-close", w.file());
    assertEquals(Main.BAD, strict.code(), strict::toString);
    Path fresh = Files.createDirectories(dir.resolve("fresh"));
    assertEquals(Main.OK, Cli.run("audit", "verify", "--require-clean-close", Trails.write(fresh, "n", 0).file()).code(),
        "an untouched trail passes the strict check");
  }

  @Test
  void pinsCheckpointSignaturesToTheGivenKeySetAndFailsUnderAnotherKey() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, w.key().publicJwks());
    Cli.Result pinned = Cli.run("audit", "verify", "--json", "--jwks", jwks, w.file());
    assertEquals(Main.OK, pinned.code(), pinned::toString);
    assertTrue(pinned.json().get("signaturesPinned").asBoolean());
    assertEquals("PINNED", pinned.json().get("signatureCheck").asText());

    Path other = dir.resolve("other.json");
    Files.writeString(other, dev.agentguard.core.SigningKey.generate().publicJwks());
    Cli.Result wrong = Cli.run("audit", "verify", "--json", "--jwks", other, w.file());
    assertEquals(Main.BAD, wrong.code(), wrong::toString);
    assertEquals("BAD_CHECKPOINT", wrong.json().get("kind").asText());
  }

  @Test
  void failsOnATamperedRecordNamingTheFirstBadSeq() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    List<String> lines = Trails.lines(w.file());
    int index = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"O-1\"")) {
        index = i;
        break;
      }
    }
    assertTrue(index > 0);
    lines.set(index, lines.get(index).replace("\"O-1\"", "\"O-2\""));
    Files.write(w.file(), lines, StandardCharsets.UTF_8);

    Cli.Result r = Cli.run("audit", "verify", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertTrue(r.out().startsWith("FAILED: HASH_MISMATCH at seq " + (index + 1)), r::toString);
    JsonNode json = Cli.run("audit", "verify", "--json", w.file()).json();
    assertFalse(json.get("ok").asBoolean());
    assertEquals(index + 1, json.get("firstBadSeq").asLong());
    assertEquals(index, json.get("eventsChecked").asLong());
  }

  @Test
  void failsOnADeletedRecord() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    List<String> lines = Trails.lines(w.file());
    lines.remove(3);
    Files.write(w.file(), lines, StandardCharsets.UTF_8);
    Cli.Result r = Cli.run("audit", "verify", "--json", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertEquals(4, r.json().get("firstBadSeq").asLong());
  }

  @Test
  void reportsATruncatedLastLine() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 0);
    byte[] bytes = Files.readAllBytes(w.file());
    Files.write(w.file(), java.util.Arrays.copyOf(bytes, bytes.length - 20));
    Cli.Result r = Cli.run("audit", "verify", "--json", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertEquals("TORN_LAST_LINE", r.json().get("kind").asText());
    assertEquals(Trails.lines(w.file()).size() - 1, r.json().get("eventsChecked").asLong());
  }

  @Test
  void readsRotatedFilesInChainOrderFromTheCurrentFileAlone() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 1500);
    assertTrue(Files.exists(dir.resolve("audit.jsonl.1")), "the trail rotated");
    Cli.Result r = Cli.run("audit", "verify", "--json", w.file());
    assertEquals(Main.OK, r.code(), r::toString);
    JsonNode json = r.json();
    assertTrue(json.get("files").size() >= 2, json::toString);
    assertEquals(dir.resolve("audit.jsonl.1").toString(), json.get("files").get(0).asText());
    assertEquals(1, json.get("firstSeq").asLong());

    // the current file alone, without its rotated predecessors, does not start at seq 1
    Path lone = dir.resolve("lone.jsonl");
    Files.copy(w.file(), lone);
    Cli.Result partial = Cli.run("audit", "verify", lone);
    assertTrue(partial.out().contains("older files were not given or were removed"), partial::toString);
  }

  @Test
  void aRotatedFileRemovedFromTheMiddleBreaksTheChain() throws IOException {
    Trails.Written w = Trails.write(dir, "note", 1500);
    assertTrue(Files.exists(dir.resolve("audit.jsonl.2")), "at least three files");
    long firstOfSecond = Cli.run("audit", "show", "--json", dir.resolve("audit.jsonl.2")).json().get(0).get("seq").asLong();
    Files.delete(dir.resolve("audit.jsonl.2"));
    Cli.Result r = Cli.run("audit", "verify", "--json", w.file());
    assertEquals(Main.BAD, r.code(), r::toString);
    assertEquals(firstOfSecond, r.json().get("firstBadSeq").asLong(), r::toString);
  }

  @Test
  void aMissingFileIsOneUsageLineWithoutAStackTrace() {
    Path missing = dir.resolve("nope.jsonl");
    Cli.Result r = Cli.run("audit", "verify", missing);
    assertEquals(Main.USAGE, r.code());
    assertEquals("agentguard: audit file not found: " + missing, r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void unknownOptionsAreUsageErrors() {
    Cli.Result r = Cli.run("audit", "verify", "--frobnicate", "x");
    assertEquals(Main.USAGE, r.code(), r::toString);
    assertTrue(r.err().contains("Unknown option: '--frobnicate'"), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
  }
}
