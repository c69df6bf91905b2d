package dev.agentguard.core;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.audit.AuditLineParser;
import dev.agentguard.core.internal.audit.ImpliedMembers;
import dev.agentguard.core.internal.audit.JsonLinesSink;
import dev.agentguard.core.internal.audit.LineReader;
import dev.agentguard.core.internal.audit.RecordBounds;
import dev.agentguard.core.internal.audit.Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads, verifies and reconstructs JSON Lines audit logs written by {@link AuditSinks#jsonLines}, or
 * the same lines taken from anywhere else, one record per element (a Kafka topic, a database, a log
 * store): see {@link #verify(Iterable)}.
 *
 * <p>What verification detects: a changed, deleted, swapped, duplicated or inserted record; a
 * chain that restarts in the middle; a bad signature on a checkpoint or close record; a torn last
 * line (everything before it still verifies); and, through
 * {@link VerificationReport#endedCleanly()} and {@link VerificationReport#uncleanRestartSeqs()}, a
 * trail cut from the end or a run that stopped without closing the guard (every clean close writes
 * a signed {@code audit.closed} record). What it cannot detect without an external anchor: records
 * removed from the start ({@link VerificationReport#firstSeq()} is then larger than 1), and a
 * rewrite of a whole run by someone who can recompute hashes and sign with their own key: every
 * run's opening record names its signing key, and only a key set pinned from somewhere the
 * reviewer trusts ({@code guard.publicJwks()} published at start, deployment configuration) tells
 * the real key from a forger's.
 *
 * <p>Reading restores the members a version-2 record leaves out ({@link AuditEvent#impliedMembers()}:
 * {@code reasons} of a plain allow, and {@code policyVersion} when it is the chain's current one), so
 * every event read says what was decided under which policy version; the restored events still
 * hash as written. A call below the write-ahead risk is one {@code tool.decision} that also carries
 * its {@code outcome}; a write-ahead call is a {@code tool.decision} and a {@code tool.completed}
 * whose {@code parent} is that decision's id (see {@code docs/audit.md}).
 *
 * <p>Parsing is strict (duplicate or unknown members, nulls and wrong types are rejected) and
 * bounded (lines up to 1 MiB, the bound the writer keeps every record within). Stateless and
 * thread-safe.
 *
 * @since 0.1.0
 */
public final class AuditLog {
  private AuditLog() {}

  /**
   * Verifies {@code files} as one chain, in chain order (rotated files oldest first, see
   * {@link #files(Path)}). Signed records are verified under the key their run's opening record
   * declares ({@link VerificationReport.SignatureCheck#SELF_CONSISTENT}), or for form only when that
   * record is not in the files given; the report's {@link VerificationReport#signaturesPinned()} is
   * {@code false}. Never throws for bad content; unreadable files are reported as
   * {@link VerificationReport.Kind#IO_ERROR}.
   *
   * @throws NullPointerException if {@code files} is null
   */
  public static VerificationReport verify(Path... files) {
    return Verifier.verify(null, List.of(files));
  }

  /**
   * Like {@link #verify(Path...)}, with the signing keys pinned: every checkpoint and signed close
   * record must verify under the key of {@code trustedPublicJwks} whose RFC 7638 thumbprint equals
   * its {@code keyId}, and every opening record must declare a key of that set. The set is parsed
   * strictly ({@code {"keys":[...]}} of Ed25519 public keys, as {@code guard.publicJwks()} returns;
   * a {@code kid} must be the thumbprint); an unusable set is reported as
   * {@link VerificationReport.Kind#IO_ERROR}. Take it from somewhere you trust, never from the trail.
   *
   * @throws NullPointerException if an argument is null
   */
  public static VerificationReport verify(String trustedPublicJwks, Path... files) {
    Objects.requireNonNull(trustedPublicJwks, "trustedPublicJwks");
    return Verifier.verify(trustedPublicJwks, List.of(files));
  }

  /**
   * Verifies {@code lines} as one chain, one record per element, in chain order: each element is
   * one line as the writer wrote it (its canonical JSON with the hash member), with or without the
   * trailing {@code \n}. The same checks as {@link #verify(Path...)} (the same verifier), except
   * that a sequence has no torn line: an element that does not parse is
   * {@link VerificationReport.Kind#MALFORMED_LINE}. Problems name the element as
   * {@code record <n>} (1-based), and {@link VerificationReport#eventsChecked()} is the number of
   * elements that verified before the first problem. A sequence may start mid-chain (at a
   * checkpoint, say): {@link VerificationReport#firstSeq()} then says where.
   *
   * @param lines the records, in chain order; iterated once
   * @return the report; never throws for bad content (an iterator that throws is reported as
   *     {@link VerificationReport.Kind#IO_ERROR})
   * @throws NullPointerException if {@code lines} is null
   * @since 0.2.0
   */
  public static VerificationReport verify(Iterable<String> lines) {
    Objects.requireNonNull(lines, "lines");
    return Verifier.verifyLines(null, lines);
  }

  /**
   * Like {@link #verify(Iterable)}, with the signing keys pinned as for
   * {@link #verify(String, Path...)}.
   *
   * @throws NullPointerException if an argument is null
   * @since 0.2.0
   */
  public static VerificationReport verify(String trustedPublicJwks, Iterable<String> lines) {
    Objects.requireNonNull(trustedPublicJwks, "trustedPublicJwks");
    Objects.requireNonNull(lines, "lines");
    return Verifier.verifyLines(trustedPublicJwks, lines);
  }

  /**
   * Parses every record of {@code lines} (one per element, with or without the trailing
   * {@code \n}), in the order given. Does not verify hashes (use {@link #verify(Iterable)}).
   *
   * @throws IllegalArgumentException naming the record (1-based) of a malformed or over-long one
   * @throws NullPointerException if {@code lines} is null
   * @since 0.2.0
   */
  public static List<AuditEvent> read(Iterable<String> lines) {
    return read(lines, AuditLog::reject);
  }

  /**
   * Like {@link #read(Iterable)}, but an element that is no record does not end the read: it is
   * handed to {@code onUnreadable} (its number and why, never its content) and the next element is
   * read. A handler that throws ends the read with its exception.
   *
   * @throws NullPointerException if an argument is null
   * @since 0.2.0
   */
  public static List<AuditEvent> read(Iterable<String> lines, Consumer<? super UnreadableLine> onUnreadable) {
    Objects.requireNonNull(lines, "lines");
    Objects.requireNonNull(onUnreadable, "onUnreadable");
    List<AuditEvent> out = new ArrayList<>();
    ImpliedMembers implied = new ImpliedMembers();
    long n = 0;
    for (String line : lines) {
      n++;
      String body = line != null && line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      parseInto(out, implied, bytes, bytes.length, null, n, onUnreadable);
    }
    return out;
  }

  /**
   * The events of task {@code taskId} among {@code lines}, in the order given (a chain's order; for
   * records of several chains, the caller orders them, e.g. by {@code ts}).
   *
   * @throws IllegalArgumentException naming the record of a malformed one
   * @throws NullPointerException if an argument is null
   * @since 0.2.0
   */
  public static List<AuditEvent> reconstruct(Iterable<String> lines, String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : read(lines)) {
      if (taskId.equals(e.task())) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The files of a rotated log in chain order: {@code <name>.1}, {@code <name>.2}, ... then
   * {@code current} itself.
   *
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public static List<Path> files(Path current) {
    try {
      List<Path> out = new ArrayList<>(JsonLinesSink.rotatedFiles(current));
      out.add(current);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses every event of {@code files}, in file order, including the pipeline's own records
   * ({@code audit.opened, audit.checkpoint, audit.gap, audit.closed}). Does not verify hashes (use
   * {@link #verify}). An incomplete final line of a file (no newline: a crash mid-write) is skipped.
   * Strict: the first line that is no record ends the read; to read past damaged lines use
   * {@link #read(Consumer, Path...)}.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed record
   * @throws UncheckedIOException if a file cannot be read
   */
  public static List<AuditEvent> read(Path... files) {
    return read(AuditLog::reject, files);
  }

  /**
   * Like {@link #read(Path...)}, but a line that is no record (malformed JSON, invalid UTF-8, valid
   * JSON that is not a record of the format, longer than the 1 MiB bound) does not end the read: it
   * is handed to {@code onUnreadable} as an {@link UnreadableLine} (file, line number and why, never
   * the line's content) and reading goes on with the next line, so the rest of a trail with a torn
   * write or a hand-edited line can still be read. An incomplete final line is skipped as in
   * {@link #read(Path...)}. A handler that throws ends the read with its exception. This reads; it
   * does not vouch: {@link #verify} still fails on the first damaged line.
   *
   * <pre>{@code
   * List<UnreadableLine> damaged = new ArrayList<>();
   * List<AuditEvent> events = AuditLog.read(damaged::add, AuditLog.files(trail).toArray(Path[]::new));
   * }</pre>
   *
   * @throws UncheckedIOException if a file cannot be read
   * @throws NullPointerException if an argument is null
   * @since 0.2.0
   */
  public static List<AuditEvent> read(Consumer<? super UnreadableLine> onUnreadable, Path... files) {
    Objects.requireNonNull(onUnreadable, "onUnreadable");
    List<AuditEvent> out = new ArrayList<>();
    ImpliedMembers implied = new ImpliedMembers();
    for (Path file : files) {
      try (LineReader r = new LineReader(file)) {
        while (r.next()) {
          if (!r.hadNewline()) {
            break;
          }
          if (r.tooLong()) {
            implied.lost(); // whatever that line said about the chain's policy version is unknown now
            onUnreadable.accept(new UnreadableLine(file, r.number(),
                "longer than " + RecordBounds.MAX_LINE_BYTES + " bytes"));
          } else {
            parseInto(out, implied, r.bytes(), r.length(), file, r.number(), onUnreadable);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return out;
  }

  /** Adds the record of one line to {@code out}, or hands the line to {@code onUnreadable}. */
  private static void parseInto(List<AuditEvent> out, ImpliedMembers implied, byte[] bytes, int length, Path file,
      long line, Consumer<? super UnreadableLine> onUnreadable) {
    AuditEvent event;
    try {
      event = AuditLineParser.parse(bytes, 0, length);
    } catch (IllegalArgumentException e) {
      implied.lost(); // the line may have been the policy.loaded that set the version: never restore a guess
      onUnreadable.accept(new UnreadableLine(file, line, e.getMessage()));
      return;
    }
    out.add(implied.restore(event));
  }

  /** The strict reads' handler: the first unreadable line ends the read. */
  private static void reject(UnreadableLine line) {
    throw new IllegalArgumentException(line.toString());
  }

  /**
   * The events of task {@code taskId} in {@code file}, in seq order.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed record
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<AuditEvent> reconstruct(Path file, String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : read(file)) {
      if (taskId.equals(e.task())) {
        out.add(e);
      }
    }
    out.sort(Comparator.comparingLong(AuditEvent::seq));
    return out;
  }

  /**
   * The decision records of {@code files} on which the shadow policy set decided differently from
   * the live one ({@link AuditEvent#shadowDecision()} set), in file order: what a candidate set would
   * have changed had it been live. Does not verify hashes (use {@link #verify}).
   *
   * @throws IllegalArgumentException naming the file and line of a malformed record
   * @throws UncheckedIOException if a file cannot be read
   * @since 0.2.0
   */
  public static List<AuditEvent> disagreements(Path... files) {
    return disagreements(read(files));
  }

  /**
   * The decision records among {@code events} on which the shadow policy set disagreed with the live
   * one, in the given order (for events from any source, such as an in-memory sink).
   *
   * @throws NullPointerException if {@code events} is null
   * @since 0.2.0
   */
  public static List<AuditEvent> disagreements(List<AuditEvent> events) {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : events) {
      if (AuditEvent.TOOL_DECISION.equals(e.type()) && e.shadowDecision() != null) {
        out.add(e);
      }
    }
    return out;
  }
}
