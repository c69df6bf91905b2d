package dev.agentguard.cli;

import dev.agentguard.core.AuditLog;
import dev.agentguard.core.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of {@link AuditLog#verify} over a trail's files, with the sentences and JSON fields
 * {@code audit verify} and {@code audit report} print. Immutable.
 *
 * @since 0.2.0
 */
final class Verification {
  private final List<Path> files;
  private final VerificationReport report;

  private Verification(List<Path> files, VerificationReport report) {
    this.files = files;
    this.report = report;
  }

  /**
   * Verifies {@code files} as one chain; checkpoint signatures are pinned when {@code jwks} is given.
   *
   * @throws CliException (usage) when the key file cannot be read
   */
  static Verification run(List<Path> files, Path jwks) {
    Path[] paths = files.toArray(Path[]::new);
    if (jwks == null) {
      return new Verification(files, AuditLog.verify(paths));
    }
    PolicyFiles.requireFile(jwks, "key set");
    try {
      return new Verification(files, AuditLog.verify(Files.readString(jwks, StandardCharsets.UTF_8), paths));
    } catch (IOException e) {
      throw CliException.usage("cannot read key set " + jwks + ": " + e.getMessage());
    }
  }

  /** The library's report. */
  VerificationReport report() {
    return report;
  }

  /** The headline: {@code VERIFIED ...} or {@code FAILED ...}. */
  String headline() {
    if (report.ok()) {
      return "VERIFIED: " + report.eventsChecked() + " events" + range() + " in " + files.size() + " file(s)";
    }
    return "FAILED: " + report.kind() + (report.firstBadSeq().isPresent()
        ? " at seq " + report.firstBadSeq().getAsLong() : "") + "; " + report.eventsChecked()
        + " events before it verified";
  }

  /** The detail lines under the headline, including what verification alone cannot tell. */
  List<String> details() {
    List<String> out = new ArrayList<>();
    if (!report.ok()) {
      out.add("problem: " + Terminal.safe(report.problem()));
    }
    out.add("checkpoints verified: " + report.checkpoints()
        + (report.lastCheckpointSeq().isPresent() ? " (last at seq " + report.lastCheckpointSeq().getAsLong() + ")" : "")
        + "; signatures " + signatures(report.signatureCheck()));
    if (report.firstSeq().isPresent() && report.firstSeq().getAsLong() > 1) {
      out.add("note: the trail starts at seq " + report.firstSeq().getAsLong()
          + ": older files were not given or were removed");
    }
    if (report.lastHash() != null) {
      out.add("head: seq " + report.lastSeq().getAsLong() + " " + report.lastHash()
          + " (compare with a head or checkpoint you hold: records removed from the end are not detectable otherwise)");
    }
    out.add(report.endedCleanly()
        ? "clean close: yes, the trail ends with the guard's audit.closed record"
        : "clean close: NO, the trail does not end with audit.closed: records were removed from the end, the process"
            + " stopped without closing the guard, or the trail is still being written");
    for (long seq : report.uncleanRestartSeqs()) {
      out.add("unclean restart at seq " + seq + ": the run before it did not close cleanly and may have lost its last records");
    }
    return out;
  }

  /** What the signature check means, in words. */
  private static String signatures(VerificationReport.SignatureCheck check) {
    return switch (check) {
      case PINNED -> "PINNED: verified under the given key set";
      case SELF_CONSISTENT -> "SELF-CONSISTENT: verified under the key each run's opening record declares"
          + " (pass --jwks to know whose key that is)";
      case FORM_ONLY -> "FORM ONLY: some signed records belong to a run whose opening record is not in the files given";
      case NONE -> "NONE: no signed record and no key set";
    };
  }

  private String range() {
    return report.firstSeq().isPresent()
        ? " (seq " + report.firstSeq().getAsLong() + ".." + report.lastSeq().getAsLong() + ")" : "";
  }

  /** The report as JSON fields. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", report.ok());
    m.put("kind", report.kind().name());
    m.put("eventsChecked", report.eventsChecked());
    m.put("firstBadSeq", report.firstBadSeq().isPresent() ? report.firstBadSeq().getAsLong() : null);
    m.put("problem", report.problem());
    m.put("firstSeq", report.firstSeq().isPresent() ? report.firstSeq().getAsLong() : null);
    m.put("lastSeq", report.lastSeq().isPresent() ? report.lastSeq().getAsLong() : null);
    m.put("lastHash", report.lastHash());
    m.put("checkpoints", report.checkpoints());
    m.put("lastCheckpointSeq", report.lastCheckpointSeq().isPresent() ? report.lastCheckpointSeq().getAsLong() : null);
    m.put("signaturesPinned", report.signaturesPinned());
    m.put("signatureCheck", report.signatureCheck().name());
    m.put("endedCleanly", report.endedCleanly());
    m.put("uncleanRestartSeqs", report.uncleanRestartSeqs());
    List<String> names = new ArrayList<>();
    files.forEach(f -> names.add(f.toString()));
    m.put("files", names);
    return m;
  }
}
