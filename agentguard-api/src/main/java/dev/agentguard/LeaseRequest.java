package dev.agentguard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * What the guard asks a {@link SecretBroker} for: a lease of one named secret for one task, valid no
 * later than {@link #notAfter()} (the task credential's expiry). Holds no secret, so a record.
 *
 * @param secret the name the broker is configured under, e.g. {@code orders-db}
 * @param guardInstance the requesting guard's {@code instanceId()}; brokers put it into the principal's
 *     name so leftovers can be traced to their owner
 * @param taskId the task the lease is for
 * @param agentId the agent the task runs as
 * @param notAfter the latest instant the lease may stay valid on the server
 * @since 0.2.0
 */
public record LeaseRequest(String secret, String guardInstance, String taskId, String agentId, Instant notAfter) {
  /** Checks that nothing is null. */
  public LeaseRequest {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(guardInstance, "guardInstance");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(notAfter, "notAfter");
  }

  /**
   * A short tag of a guard instance id that is safe inside any system's identifiers, for brokers to
   * put into principal names: the id's first 20 characters folded to {@code [a-z0-9_]}, an
   * underscore and 6 hex digits of the id's SHA-256 (so {@code pod.a} and {@code pod_a} differ). At
   * most 27 characters.
   *
   * @throws NullPointerException if {@code guardInstance} is null
   */
  public static String ownerTag(String guardInstance) {
    String folded = guardInstance.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (folded.length() > 20) {
      folded = folded.substring(0, 20);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(guardInstance.getBytes(StandardCharsets.UTF_8));
      return folded + "_" + HexFormat.of().formatHex(digest, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** This request's {@link #ownerTag(String) owner tag}. */
  public String ownerTag() {
    return ownerTag(guardInstance);
  }
}
