package dev.agentguard.core;

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
    /** A checkpoint's signature or key does not verify, or the checkpoint is malformed. */
    BAD_CHECKPOINT,
    /** The last line of the last file is incomplete (no newline) or not parseable. */
    TORN_LAST_LINE,
    /** A file other than the last ends with an incomplete line (a crash, then a resumed chain). */
    TORN_LINE,
    /** A line is not a valid record (bad JSON, duplicate or unknown members, wrong types). */
    MALFORMED_LINE,
    /** A line is longer than the 1 MiB bound. */
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
   * {@code true} if checkpoint signatures were verified against a trusted key set; {@code false}
   * if only their form and the chain were checked.
   */
  boolean signaturesPinned();
}
