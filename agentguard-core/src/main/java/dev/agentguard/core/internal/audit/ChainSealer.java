package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.internal.Hashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals events into a hash chain, and is the one place that computes an event's {@code hash}:
 * the writer seals with it, the JSON Lines sink checks the line it resumes from with it and
 * {@code AuditLog.verify} recomputes every hash with it.
 *
 * <pre>
 * hash = "sha256:" + lowercase_hex( SHA-256( UTF-8(prev) || canonical bytes ) )
 * </pre>
 *
 * where the canonical bytes are those of {@link AuditJson#writeCanonical} (the event without
 * {@code hash}). Sealing assigns {@code seq} (the head's + 1), {@code id}
 * ({@code <prefix><seq>}), {@code parent} (the previous event id of the same task; a task is
 * forgotten after its {@code task.completed}), {@code prev} and {@code hash}, after
 * {@link RecordBounds} made the content bounded and immutable. Pure: no clock, no I/O, no threads;
 * the same head and content give the same event and line.
 *
 * <p>Not thread-safe: the writer thread owns one instance; the static methods are thread-safe.
 *
 * @since 0.2.0
 */
public final class ChainSealer {
  /** Bytes the hash member adds to the canonical bytes: {@code ,"hash":"sha256:<64 hex>"} and the newline. */
  private static final int HASH_MEMBER_BYTES = 82;
  private static final byte[] SHA256_PREFIX = "sha256:".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Characters of {@code "sha256:<64 hex>"}. */
  private static final int HASH_CHARS = 71;

  private final ByteBuf line = new ByteBuf(2048);
  private final MessageDigest md = Hashing.sha256();
  private final RecordBounds bounds = new RecordBounds();
  private final Map<String, String> lastIdByTask = new HashMap<>();
  private final ImpliedMembers implied = new ImpliedMembers();
  private final EncodedMembers memo = new EncodedMembers();
  private final String idPrefix;
  private final byte[] digest = new byte[32];
  /** {@code prevHash} as ASCII bytes, and the array the next hash is formatted into (swapped after each seal). */
  private byte[] prevBytes;
  private byte[] nextBytes = new byte[HASH_CHARS];
  private long seq;
  private String prevHash;
  // the last sealed event's parts, for event()
  private AuditEvent.Builder lastContent;
  private int lastV;
  private String lastId;
  private String lastTs;
  private String lastParent;
  private String lastPrev;
  private List<String> lastImplied;
  private AuditEvent lastEvent;

  /**
   * A sealer that continues the chain after {@code head}.
   *
   * @param head the chain head to continue
   * @param idPrefix the prefix of every event id this sealer makes
   */
  public ChainSealer(ChainHead head, String idPrefix) {
    this.seq = head.seq();
    this.prevHash = head.hash();
    this.prevBytes = head.hash().getBytes(StandardCharsets.US_ASCII);
    this.idPrefix = idPrefix;
  }

  /**
   * Seals {@code content} as the next event of the chain; its line (canonical bytes with the hash
   * member, then {@code \n}) is in {@link #lineBytes()} until the next call.
   *
   * @param content the event content (its type must be a known one); not used after the call
   * @param ts the event time
   * @return the sealed, deeply immutable event
   */
  public AuditEvent seal(AuditEvent.Builder content, String ts) {
    return seal(content, ts, null);
  }

  /**
   * Like {@link #seal(AuditEvent.Builder, String)}, with {@code parent} as the event's parent when it
   * is not null (a completion names its own decision even when other events of the task came between).
   *
   * @param content the event content (its type must be a known one); not used after the call
   * @param ts the event time
   * @param parent the parent id, or {@code null} for the previous event of the same task
   * @return the sealed, deeply immutable event
   * @since 0.2.0
   */
  public AuditEvent seal(AuditEvent.Builder content, String ts, String parent) {
    sealLine(content, ts, parent);
    return event();
  }

  /**
   * Seals {@code content} like {@link #seal(AuditEvent.Builder, String, String)} without making the
   * sealed event: its line is in {@link #lineBytes()}, and {@link #event()} makes the event only for
   * a sink that needs one (the JSON Lines sink takes the bytes alone).
   *
   * @return the sealed event's id
   * @since 0.2.0
   */
  public String sealLine(AuditEvent.Builder content, String ts, String parent) {
    EventType type = EventType.of(content.type());
    AuditEvent draft = content.build();
    AuditEvent.Builder b = bounds.apply(draft, content, type);
    AuditEvent view = b == content ? draft : b.build();
    long s = seq + 1;
    String id = idPrefix + s;
    String task = view.task();
    if (parent == null && task != null) {
      parent = lastIdByTask.get(task);
    }
    int compact = implied.compact(view);
    int v = (compact & ImpliedMembers.VERSION_1) != 0 ? 1 : AuditEvent.FORMAT_VERSION;
    List<String> left = ImpliedMembers.names(compact);
    memo.prev(prevHash, prevBytes);
    line.reset();
    AuditJson.writeCanonical(view, v, s, id, ts, parent, prevHash, left, line, memo);
    if (line.length() + HASH_MEMBER_BYTES > RecordBounds.MAX_LINE_BYTES) {
      b = bounds.shrink(AuditEvent.recorded(b, v, s, id, ts, parent, prevHash, null, left));
      view = b.build();
      compact = implied.compact(view);
      v = (compact & ImpliedMembers.VERSION_1) != 0 ? 1 : AuditEvent.FORMAT_VERSION;
      left = ImpliedMembers.names(compact);
      line.reset();
      AuditJson.writeCanonical(view, v, s, id, ts, parent, prevHash, left, line, memo);
    }
    String hash = chainHash();
    AuditJson.appendHash(line, nextBytes, HASH_CHARS);
    if (task != null) {
      if (type == EventType.TASK_COMPLETED) {
        lastIdByTask.remove(task);
      } else {
        lastIdByTask.put(task, id);
      }
    }
    implied.follow(view.type(), view.policyVersion());
    lastContent = b;
    lastV = v;
    lastId = id;
    lastTs = ts;
    lastParent = parent;
    lastPrev = prevHash;
    lastImplied = left;
    lastEvent = null;
    seq = s;
    prevHash = hash;
    byte[] swap = prevBytes;
    prevBytes = nextBytes;
    nextBytes = swap; // every head hash is "sha256:<64 hex>" (ChainHead checks it), so both arrays hold 71 bytes
    return id;
  }

  /**
   * The last sealed event, deeply immutable (made once, on the first call after each seal).
   *
   * @throws IllegalStateException before the first seal
   * @since 0.2.0
   */
  public AuditEvent event() {
    if (lastEvent == null) {
      if (lastContent == null) {
        throw new IllegalStateException("nothing sealed yet");
      }
      lastEvent = AuditEvent.recorded(lastContent, lastV, seq, lastId, lastTs, lastParent, lastPrev, prevHash,
          lastImplied);
    }
    return lastEvent;
  }

  /**
   * The chain's current policy version (of the latest {@code policy.loaded} sealed in this run), or
   * {@code null}: what an {@code audit.checkpoint} restates.
   *
   * @since 0.2.0
   */
  public String currentPolicyVersion() {
    return implied.currentPolicyVersion();
  }

  /** The buffer holding the last sealed event's line, valid from 0 to {@link #lineLength()}. */
  public byte[] lineBytes() {
    return line.array();
  }

  /** Length of the last sealed event's line, newline included. */
  public int lineLength() {
    return line.length();
  }

  /** The head: the last sealed event's seq and hash (or the head this sealer started from). */
  public ChainHead head() {
    return new ChainHead(seq, prevHash);
  }

  /**
   * Recomputes the hash of a parsed or sealed event from its content and {@code prev}.
   *
   * @param e the event
   * @param scratch a buffer to encode into (reset first)
   * @param md a SHA-256 digest (reset first)
   * @return {@code "sha256:<hex>"}
   */
  public static String hashOf(AuditEvent e, ByteBuf scratch, MessageDigest md) {
    scratch.reset();
    AuditJson.writeCanonical(e, scratch);
    return hash(md, e.prev(), scratch.array(), scratch.length());
  }

  /** Like {@link #hashOf(AuditEvent, ByteBuf, MessageDigest)} with its own buffer and digest. */
  public static String hashOf(AuditEvent e) {
    return hashOf(e, new ByteBuf(1024), Hashing.sha256());
  }

  /**
   * The chain-hash formula for the line in the buffer, without allocating but the result: the
   * previous hash's bytes are kept, the digest and its hex go into reused arrays.
   */
  private String chainHash() {
    md.reset();
    md.update(prevBytes, 0, prevBytes.length);
    md.update(line.array(), 0, line.length());
    try {
      md.digest(digest, 0, digest.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    byte[] out = nextBytes;
    System.arraycopy(SHA256_PREFIX, 0, out, 0, SHA256_PREFIX.length);
    for (int i = 0, o = SHA256_PREFIX.length; i < digest.length; i++) {
      out[o++] = HEX[(digest[i] >> 4) & 0xf];
      out[o++] = HEX[digest[i] & 0xf];
    }
    return new String(out, 0, HASH_CHARS, StandardCharsets.ISO_8859_1);
  }

  /** The chain-hash formula (see the class comment). */
  private static String hash(MessageDigest md, String prev, byte[] canonical, int len) {
    md.reset();
    md.update(String.valueOf(prev).getBytes(StandardCharsets.UTF_8));
    md.update(canonical, 0, len);
    return "sha256:" + Hashing.hex(md.digest());
  }
}
