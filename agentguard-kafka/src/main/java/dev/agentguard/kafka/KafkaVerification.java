package dev.agentguard.kafka;

import dev.agentguard.core.VerificationReport;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The result of verifying one guard instance's records on an audit topic
 * ({@link KafkaAuditLog#verify(String)}): one {@link VerificationReport} per run of the guard found
 * on the key (a guard that restarts with the same instance id starts a new chain), and the records
 * that were skipped as exact duplicates of a record already verified (a producer's resend after a
 * lost acknowledgement). Immutable.
 *
 * @param instance the guard instance id (the record key)
 * @param partition the partition holding the instance's records, or -1 when none was found
 * @param records how many records of the instance were read (from the starting point on)
 * @param firstOffset offset of the first record read, or -1 when none
 * @param lastOffset offset of the last record read, or -1 when none
 * @param runs the verification of each run, in topic order
 * @param duplicateOffsets offsets of records skipped as byte-identical repeats of an earlier record
 *     of the same run (same seq and hash)
 * @param badOffset offset of the record where the first failing run broke, or -1 when every run
 *     verified (or the problem is at the end: a run cut short)
 * @since 0.2.0
 */
public record KafkaVerification(String instance, int partition, long records, long firstOffset,
                                long lastOffset, List<VerificationReport> runs, List<Long> duplicateOffsets,
                                long badOffset) {
  /**
   * Copies the lists.
   *
   * @throws NullPointerException if {@code instance} or a list is null
   */
  public KafkaVerification {
    Objects.requireNonNull(instance, "instance");
    runs = List.copyOf(runs);
    duplicateOffsets = List.copyOf(duplicateOffsets);
  }

  /** {@code true} if at least one record was read and every run verified. */
  public boolean ok() {
    return !runs.isEmpty() && runs.stream().allMatch(VerificationReport::ok);
  }

  /** The first failing run's report, or {@code null} when every run verified. */
  public VerificationReport firstFailure() {
    return runs.stream().filter(r -> !r.ok()).findFirst().orElse(null);
  }

  /** The offset of the record where verification broke, or empty. */
  public OptionalLong firstBadOffset() {
    return badOffset < 0 ? OptionalLong.empty() : OptionalLong.of(badOffset);
  }

  /**
   * {@code true} if the last run ended with its signed close record (the guard was closed); while
   * a guard runs, its last run has not ended yet.
   */
  public boolean endedCleanly() {
    return !runs.isEmpty() && runs.get(runs.size() - 1).endedCleanly();
  }

  /** One line for people: the instance, what was checked and the first problem with its offset. */
  public String summary() {
    StringBuilder sb = new StringBuilder("instance ").append(instance).append(" (partition ")
        .append(partition).append("): ");
    if (runs.isEmpty()) {
      return sb.append("no records").toString();
    }
    long events = runs.stream().mapToLong(VerificationReport::eventsChecked).sum();
    sb.append(records).append(" records, ").append(runs.size()).append(runs.size() == 1 ? " run, " : " runs, ")
        .append(events).append(" events verified");
    if (!duplicateOffsets.isEmpty()) {
      sb.append(", ").append(duplicateOffsets.size()).append(" duplicate records skipped");
    }
    VerificationReport bad = firstFailure();
    if (bad == null) {
      return sb.append(endedCleanly() ? ", ended cleanly" : ", not (yet) closed").toString();
    }
    sb.append("; FAILED: ").append(bad.problem());
    if (badOffset >= 0) {
      sb.append(" at offset ").append(badOffset);
    }
    return sb.toString();
  }
}
