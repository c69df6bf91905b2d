package dev.agentguard.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * The result of {@link AuditLog#verify(java.nio.file.Path...)}. Verification stops at the first
 * problem; every event with a smaller seq than {@link #firstBadSeq()} verified. Immutable.
 *
 * @since 0.1.0
 */
public interface VerificationReport {
  /** What went wrong first. */
  enum Kind {
    /** Nothing: the chain verified. */
    NONE,
    /** An event's hash does not match its content and {@code prev}. */
    HASH_MISMATCH,
    /** An event's {@code prev} is not the previous event's hash. */
    BROKEN_LINK,
    /** Sequence numbers skip (events deleted). */
    SEQ_GAP,
    /** Events appear out of order (swapped or moved). */
    REORDER,
    /** An event appears twice. */
    DUPLICATE,
    /** A new chain starts in the middle (seq 1 or the genesis prev). */
    CHAIN_RESTART,
    /**
     * A signed record (checkpoint or close record) does not verify or is malformed, an opening
     * record declares an unusable or unpinned key, or a record carries a signature, key id or key
     * set it may not.
     */
    BAD_CHECKPOINT,
    /** The last line of the last file is incomplete (no newline) or not parseable. */
    TORN_LAST_LINE,
    /** A file other than the last ends with an incomplete line (a crash, then a resumed chain). */
    TORN_LINE,
    /** A line is not a valid record (bad JSON, duplicate or unknown members, wrong types). */
    MALFORMED_LINE,
    /** A line is longer than the 1 MiB bound (the writer never writes one: a foreign or altered line). */
    LINE_TOO_LONG,
    /** A file could not be read, or the trusted key set could not be parsed. */
    IO_ERROR
  }

  /** {@code true} if every event verified. */
  boolean ok();

  /** The kind of the first problem, {@link Kind#NONE} when ok. */
  Kind kind();

  /** Number of events that verified. */
  long eventsChecked();

  /** The seq the chain expected where it first broke; empty when ok. */
  OptionalLong firstBadSeq();

  /** The first problem, naming its kind, seq, file and line; {@code "none"} when ok. */
  String problem();

  /**
   * Seq of the first event seen (1 for a complete chain; larger when older files were not given or
   * were removed, which verification alone cannot tell from retention), or empty when no event.
   */
  OptionalLong firstSeq();

  /** Seq of the last event that verified, or empty when none. */
  OptionalLong lastSeq();

  /** Hash of the last event that verified, or {@code null}. */
  String lastHash();

  /**
   * Seq of the last checkpoint that verified, or empty. Compare with the checkpoint you hold: a
   * smaller value means the log was truncated before that checkpoint.
   */
  OptionalLong lastCheckpointSeq();

  /** Number of checkpoints that verified. */
  long checkpoints();

  /**
   * {@code true} if signed records were verified against a trusted key set (see
   * {@link #signatureCheck()} for what was checked otherwise).
   */
  boolean signaturesPinned();

  /**
   * How far the signatures of checkpoints and close records were checked.
   *
   * @since 0.2.0
   */
  enum SignatureCheck {
    /** Every signed record verified under a key of the trusted (pinned) key set. */
    PINNED,
    /**
     * Every signed record verified under the key its run's opening record declares. This shows the
     * records were signed by whoever wrote that opening record, not who that was: pin the key to
     * know.
     */
    SELF_CONSISTENT,
    /**
     * At least one signed record belongs to a run whose opening record is not in the files given
     * (older files left out); those were checked for form only.
     */
    FORM_ONLY,
    /** No signed record was seen and no key set was given. */
    NONE
  }

  /**
   * How far signatures were checked.
   *
   * @since 0.2.0
   */
  SignatureCheck signatureCheck();

  /**
   * {@code true} if the chain verified and its last record is the close record of a clean close
   * ({@code audit.closed}), signed and verified as {@link #signatureCheck()} says (unsigned only
   * when its run declared no key and no key set was given). {@code false} means the trail was
   * truncated, or its process stopped without closing the guard (a crash, a kill, an exit without
   * {@code close()}), or it is still being written.
   *
   * @since 0.2.0
   */
  boolean endedCleanly();

  /**
   * The seqs of opening records ({@code audit.opened}) that follow a run which did not end with a
   * close record: each marks a restart after a crash or an exit without {@code close()}, where the
   * earlier run may have lost its last records. Empty when every earlier run closed cleanly.
   *
   * @since 0.2.0
   */
  List<Long> uncleanRestartSeqs();
}
