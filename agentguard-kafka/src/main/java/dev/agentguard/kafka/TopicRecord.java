package dev.agentguard.kafka;

/**
 * One record read back from the audit topic: where it is, its key (the guard instance) and its
 * value as text (one audit line).
 *
 * @param partition the partition
 * @param offset the offset in the partition
 * @param instance the record key as UTF-8, or {@code null} for a record without a key
 * @param line the record value as UTF-8, or {@code null} for an empty value
 * @since 0.2.0
 */
record TopicRecord(int partition, long offset, String instance, String line) {}
