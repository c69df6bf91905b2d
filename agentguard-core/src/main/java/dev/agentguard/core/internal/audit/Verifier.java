package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.VerificationReport.Kind;
import dev.agentguard.core.VerificationReport.SignatureCheck;
import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.Hashing;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.jose.JwkSets;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Verifies audit files, or audit lines taken from elsewhere: strict parsing, seq continuity, the hash chain (through
 * {@link ChainSealer#hashOf}), signed records and how each run of the pipeline began and ended.
 * Stops at the first problem.
 *
 * <p>Signatures: with a trusted (pinned) JWK set, every checkpoint and signed close record must
 * verify under a pinned key, and every opening record must declare a pinned key. Without one, a
 * signed record in a run whose opening record is in view must verify under the key that record
 * declares (self-consistent: it proves the records were signed by whoever wrote the opening
 * record, not who that was); a signed record whose run began before the first file given is
 * checked for form only.
 *
 * <p>Stateless entry point; each call uses its own state.
 *
 * @since 0.1.0
 */
public final class Verifier {
  private final Map<String, Ed25519.PublicKey> pinned;
  private final ByteBuf canon = new ByteBuf(4096);
  private final MessageDigest md = Hashing.sha256();
  private final List<Long> uncleanRestarts = new ArrayList<>();
  private long expected = -1;
  private String prevHash;
  private long checked;
  private long firstSeq = -1;
  private long lastSeq = -1;
  private long lastCheckpoint = -1;
  private long checkpoints;
  private EventType lastType;
  private boolean runInView;
  private String runKeyId;
  private Ed25519.PublicKey runKey;
  private boolean lastCloseClean;
  private boolean anySigned;
  private boolean anyFormOnly;

  private Verifier(Map<String, Ed25519.PublicKey> pinned) {
    this.pinned = pinned;
  }

  /**
   * Verifies {@code files} in chain order.
   *
   * @param trustedPublicJwks a JWK set of Ed25519 keys (strict: see {@link JwkSets}) signed records
   *     must verify under, or {@code null} to check them against the trail's own opening records
   * @return the report; never throws for bad input
   */
  public static VerificationReport verify(String trustedPublicJwks, List<Path> files) {
    return start(trustedPublicJwks, v -> v.run(files));
  }

  /**
   * Verifies {@code lines} as one chain, one record per element (see {@link TextLines}); problems
   * name the element as {@code record <n>} (1-based).
   *
   * @param trustedPublicJwks as for {@link #verify(String, List)}
   * @return the report; never throws for bad input
   * @since 0.2.0
   */
  public static VerificationReport verifyLines(String trustedPublicJwks, Iterable<String> lines) {
    return start(trustedPublicJwks, v -> v.runLines(lines));
  }

  private static VerificationReport start(String trustedPublicJwks, Function<Verifier, VerificationReport> body) {
    Map<String, Ed25519.PublicKey> keys = null;
    if (trustedPublicJwks != null) {
      try {
        keys = JwkSets.parse(trustedPublicJwks);
      } catch (RuntimeException e) {
        return new Verifier(Map.of()).failAt(-1, Kind.IO_ERROR,
            "trusted key set is not a usable Ed25519 JWK set: " + e.getMessage());
      }
    }
    return body.apply(new Verifier(keys));
  }

  private VerificationReport runLines(Iterable<String> lines) {
    try {
      VerificationReport bad = lines(new TextLines(lines), "record", true);
      return bad != null ? bad : report(Kind.NONE, "none", -1);
    } catch (IOException | RuntimeException ex) {
      return fail(Kind.IO_ERROR, "cannot read the records: " + ex.getClass().getSimpleName()
          + (ex.getMessage() == null ? "" : " " + ex.getMessage()));
    }
  }

  private VerificationReport run(List<Path> files) {
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      try (LineReader r = new LineReader(file)) {
        VerificationReport bad = lines(r, file.getFileName() + " line", f == files.size() - 1);
        if (bad != null) {
          return bad;
        }
      } catch (IOException | RuntimeException ex) {
        return fail(Kind.IO_ERROR, "cannot read " + file + ": " + ex.getClass().getSimpleName()
            + (ex.getMessage() == null ? "" : " " + ex.getMessage()));
      }
    }
    return report(Kind.NONE, "none", -1);
  }

  /** Checks every line of {@code r}; the first problem's report, or {@code null} when all verified. */
  private VerificationReport lines(Lines r, String label, boolean lastSource) throws IOException {
    boolean more = r.next();
    while (more) {
      long lineNo = r.number();
      boolean newline = r.hadNewline();
      boolean tooLong = r.tooLong();
      byte[] bytes = Arrays.copyOf(r.bytes(), r.length());
      more = r.next();
      String where = " (" + label + " " + lineNo + ")";
      if (!newline) {
        return fail(lastSource && !more ? Kind.TORN_LAST_LINE : Kind.TORN_LINE,
            "incomplete line without newline" + where);
      }
      if (tooLong) {
        return fail(Kind.LINE_TOO_LONG, "line longer than " + RecordBounds.MAX_LINE_BYTES + " bytes" + where);
      }
      AuditEvent e;
      try {
        e = AuditLineParser.parse(bytes, 0, bytes.length);
      } catch (IllegalArgumentException ex) {
        return fail(lastSource && !more && r instanceof LineReader ? Kind.TORN_LAST_LINE : Kind.MALFORMED_LINE,
            "unparseable line: " + ex.getMessage() + where);
      }
      AuditEvent next = null;
      if (more && expected >= 0 && e.seq() > expected && r.hadNewline() && !r.tooLong()) {
        try {
          next = AuditLineParser.parse(r.bytes(), 0, r.length());
        } catch (IllegalArgumentException ignored) {
          next = null;
        }
      }
      VerificationReport bad = check(e, next, where);
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  private VerificationReport check(AuditEvent e, AuditEvent next, String where) {
    long s = e.seq();
    boolean genesisPrev = AuditJson.GENESIS.equals(e.prev());
    if (expected < 0) {
      if (s < 1) {
        return fail(Kind.MALFORMED_LINE, "seq " + s + " is not positive" + where);
      }
      if (s == 1 && !genesisPrev) {
        return failAt(1, Kind.BROKEN_LINK, "seq 1 does not start from the genesis prev" + where);
      }
      if (s > 1 && genesisPrev) {
        return failAt(s, Kind.CHAIN_RESTART, "seq " + s + " has the genesis prev" + where);
      }
    } else if (s != expected) {
      if (s == 1 || genesisPrev) {
        return fail(Kind.CHAIN_RESTART, "a new chain (seq " + s + ") starts where seq " + expected
            + " was expected" + where);
      }
      if (s == expected - 1 && e.hash().equals(prevHash)) {
        return fail(Kind.DUPLICATE, "seq " + s + " appears twice" + where);
      }
      if (s < expected) {
        return fail(Kind.REORDER, "seq " + s + " appears after seq " + (expected - 1) + where);
      }
      if (next != null && next.seq() == expected) {
        return fail(Kind.REORDER, "seq " + s + " appears before seq " + expected + where);
      }
      return fail(Kind.SEQ_GAP, "expected seq " + expected + " but found " + s + where);
    } else if (genesisPrev) {
      return fail(Kind.CHAIN_RESTART, "seq " + s + " restarts from the genesis prev" + where);
    }
    if (!ChainSealer.hashOf(e, canon, md).equals(e.hash())) {
      return failAt(s, Kind.HASH_MISMATCH, "hash of seq " + s + " does not match its content" + where);
    }
    if (expected >= 0 && !e.prev().equals(prevHash)) {
      return failAt(s, Kind.BROKEN_LINK, "prev of seq " + s + " is not the hash of seq " + (s - 1) + where);
    }
    EventType type = EventType.of(e.type());
    String problem = checkByType(type, e);
    if (problem != null) {
      return failAt(s, type == EventType.AUDIT_GAP ? Kind.MALFORMED_LINE : Kind.BAD_CHECKPOINT,
          type.wireName() + " seq " + s + ": " + problem + where);
    }
    if (type == EventType.AUDIT_OPENED && lastType != null && lastType != EventType.AUDIT_CLOSED) {
      uncleanRestarts.add(s);
    }
    if (firstSeq < 0) {
      firstSeq = s;
    }
    checked++;
    lastSeq = s;
    lastType = type;
    prevHash = e.hash();
    expected = s + 1;
    return null;
  }

  /** What is wrong with {@code e} for its type, or {@code null}; updates the run state when fine. */
  private String checkByType(EventType type, AuditEvent e) {
    if (!type.signed() && e.signature() != null) {
      return "carries a signature but is not a signed record";
    }
    if (type != EventType.AUDIT_OPENED && e.jwks() != null) {
      return "carries a key set but is not an opening record";
    }
    if (type != EventType.AUDIT_OPENED && e.instance() != null) {
      return "carries an instance but is not an opening record";
    }
    return switch (type) {
      case AUDIT_OPENED -> opened(e);
      case AUDIT_CHECKPOINT -> {
        if (e.signature() == null || e.keyId() == null) {
          yield "missing signature or keyId";
        }
        String p = signature(e, CheckpointSigner.message(e.seq() - 1, e.prev()));
        if (p == null) {
          lastCheckpoint = e.seq();
          checkpoints++;
        }
        yield p;
      }
      case AUDIT_CLOSED -> closed(e);
      case AUDIT_GAP -> e.count() == null || e.count() <= 0 ? "has no positive count"
          : e.keyId() != null ? "carries a keyId" : null;
      case TASK_STARTED, TOOL_DECISION, TOOL_COMPLETED, TASK_COMPLETED, CREDENTIAL_REVOKED,
           POLICY_LOADED, POLICY_REJECTED, SECRET_ISSUED, SECRET_REVOKED, SECRET_REVOKE_FAILED,
           APPROVAL_REQUESTED, APPROVAL_GRANTED, APPROVAL_DENIED, APPROVAL_EXPIRED ->
          e.keyId() != null ? "carries a keyId but is not a signed record" : null;
    };
  }

  private String opened(AuditEvent e) {
    Ed25519.PublicKey key = null;
    if (e.jwks() != null || e.keyId() != null) {
      if (e.jwks() == null || e.keyId() == null) {
        return "names a key without both keyId and jwks";
      }
      Map<String, Ed25519.PublicKey> declared;
      try {
        declared = JwkSets.parse(e.jwks());
      } catch (RuntimeException ex) {
        return "declares an unusable key set: " + ex.getMessage();
      }
      if (declared.size() != 1 || !declared.containsKey(e.keyId())) {
        return "declares a key set that is not exactly the key " + e.keyId();
      }
      if (pinned != null && !pinned.containsKey(e.keyId())) {
        return "declares key " + e.keyId() + ", which is not in the trusted key set";
      }
      key = declared.get(e.keyId());
    }
    runInView = true;
    runKeyId = e.keyId();
    runKey = key;
    return null;
  }

  private String closed(AuditEvent e) {
    if (e.signature() == null) {
      if (e.keyId() != null) {
        return "has a keyId but no signature";
      }
      // Unsigned: a clean end only where nothing is signed (no pinned keys, a run without a key).
      lastCloseClean = pinned == null && runInView && runKeyId == null;
    } else {
      if (e.keyId() == null) {
        return "missing keyId";
      }
      String p = signature(e, CheckpointSigner.closeMessage(e.seq() - 1, e.prev()));
      if (p != null) {
        return p;
      }
      lastCloseClean = true;
    }
    runInView = false;
    runKeyId = null;
    runKey = null;
    return null;
  }

  /** Checks a signed record's signature over {@code msg}; {@code null} when it verifies (or is form-only). */
  private String signature(AuditEvent e, byte[] msg) {
    anySigned = true;
    byte[] sig = Base64Url.decodeCanonical(e.signature());
    if (sig == null) {
      return "signature is not canonical base64url";
    }
    if (sig.length != Ed25519.SIGNATURE_SIZE) {
      return "signature is not " + Ed25519.SIGNATURE_SIZE + " bytes";
    }
    Ed25519.PublicKey key;
    if (pinned != null) {
      key = pinned.get(e.keyId());
      if (key == null) {
        return "signed by key '" + e.keyId() + "' which is not in the trusted key set";
      }
    } else if (runInView) {
      if (runKey == null) {
        return "signed, but its run's opening record declared no key";
      }
      if (!runKeyId.equals(e.keyId())) {
        return "signed by key '" + e.keyId() + "', not the key " + runKeyId + " its opening record declared";
      }
      key = runKey;
    } else {
      anyFormOnly = true;
      return null;
    }
    return Ed25519.verify(key, msg, sig) ? null : "bad signature";
  }

  private VerificationReport fail(Kind kind, String problem) {
    return failAt(expected < 0 ? 1 : expected, kind, problem);
  }

  private VerificationReport failAt(long badSeq, Kind kind, String problem) {
    return report(kind, kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + problem, badSeq);
  }

  private VerificationReport report(Kind kind, String problem, long badSeq) {
    SignatureCheck sc = pinned != null ? SignatureCheck.PINNED
        : !anySigned ? SignatureCheck.NONE
        : anyFormOnly ? SignatureCheck.FORM_ONLY : SignatureCheck.SELF_CONSISTENT;
    boolean clean = kind == Kind.NONE && lastType == EventType.AUDIT_CLOSED && lastCloseClean;
    return new Report(kind, problem, badSeq, checked, firstSeq, lastSeq, prevHash, lastCheckpoint, checkpoints,
        pinned != null, sc, clean, List.copyOf(uncleanRestarts));
  }

  private record Report(Kind kind, String problem, long bad, long eventsChecked, long first, long last,
                        String lastHash, long lastCp, long checkpoints, boolean signaturesPinned,
                        SignatureCheck signatureCheck, boolean endedCleanly, List<Long> uncleanRestartSeqs)
      implements VerificationReport {
    @Override
    public boolean ok() {
      return kind == Kind.NONE;
    }

    @Override
    public OptionalLong firstBadSeq() {
      return bad < 0 ? OptionalLong.empty() : OptionalLong.of(bad);
    }

    @Override
    public OptionalLong firstSeq() {
      return first < 0 ? OptionalLong.empty() : OptionalLong.of(first);
    }

    @Override
    public OptionalLong lastSeq() {
      return last < 0 ? OptionalLong.empty() : OptionalLong.of(last);
    }

    @Override
    public OptionalLong lastCheckpointSeq() {
      return lastCp < 0 ? OptionalLong.empty() : OptionalLong.of(lastCp);
    }

    @Override
    public String toString() {
      return "VerificationReport{ok=" + ok() + ", eventsChecked=" + eventsChecked + ", firstBadSeq="
          + firstBadSeq() + ", problem=" + problem + ", lastCheckpointSeq=" + lastCheckpointSeq()
          + ", signatures=" + signatureCheck + ", endedCleanly=" + endedCleanly
          + ", uncleanRestartSeqs=" + uncleanRestartSeqs + "}";
    }
  }
}
