package dev.agentguard.core.internal.audit;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.agentguard.AuditEvent;
import dev.agentguard.core.VerificationReport;
import dev.agentguard.core.VerificationReport.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies audit files: strict parsing, seq continuity, hash chain, checkpoints. Stops at the first
 * problem. Stateless entry point; each call uses its own state.
 *
 * @since 0.1.0
 */
public final class Verifier {
  private final Map<String, byte[]> trustedKeys;
  private final ByteBuf canon = new ByteBuf(4096);
  private final MessageDigest md = AuditJson.Sha256.create();
  private long expected = -1;
  private String prevHash;
  private long checked;
  private long firstSeq = -1;
  private long lastSeq = -1;
  private long lastCheckpoint = -1;
  private long checkpoints;

  private Verifier(Map<String, byte[]> trustedKeys) {
    this.trustedKeys = trustedKeys;
  }

  /**
   * Verifies {@code files} in chain order.
   *
   * @param trustedPublicJwks a JWK set (or a single JWK) of Ed25519 keys checkpoints must verify
   *     under, or {@code null} to check checkpoints for form only
   * @return the report; never throws for bad input
   */
  public static VerificationReport verify(String trustedPublicJwks, List<Path> files) {
    Map<String, byte[]> keys = null;
    if (trustedPublicJwks != null) {
      try {
        keys = parseJwks(trustedPublicJwks);
      } catch (RuntimeException | IOException e) {
        return new Report(Kind.IO_ERROR, "trusted key set is not a usable Ed25519 JWK set: "
            + e.getMessage(), -1, 0, -1, -1, null, -1, 0, true);
      }
    }
    return new Verifier(keys).run(files);
  }

  private VerificationReport run(List<Path> files) {
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      boolean lastFile = f == files.size() - 1;
      try (LineReader r = new LineReader(file)) {
        boolean more = r.next();
        while (more) {
          long lineNo = r.number();
          boolean newline = r.hadNewline();
          boolean tooLong = r.tooLong();
          byte[] bytes = Arrays.copyOf(r.bytes(), r.length());
          more = r.next();
          String where = " (" + file.getFileName() + " line " + lineNo + ")";
          if (!newline) {
            return fail(lastFile && !more ? Kind.TORN_LAST_LINE : Kind.TORN_LINE,
                "incomplete line without newline" + where);
          }
          if (tooLong) {
            return fail(Kind.LINE_TOO_LONG, "line longer than " + AuditJson.MAX_LINE_BYTES + " bytes" + where);
          }
          AuditEvent e;
          try {
            e = AuditJson.parse(bytes, 0, bytes.length);
          } catch (IllegalArgumentException ex) {
            return fail(lastFile && !more ? Kind.TORN_LAST_LINE : Kind.MALFORMED_LINE,
                "unparseable line: " + ex.getMessage() + where);
          }
          AuditEvent next = null;
          if (more && expected >= 0 && e.seq() > expected && r.hadNewline() && !r.tooLong()) {
            try {
              next = AuditJson.parse(r.bytes(), 0, r.length());
            } catch (IllegalArgumentException ignored) {
              next = null;
            }
          }
          VerificationReport bad = check(e, next, where);
          if (bad != null) {
            return bad;
          }
        }
      } catch (IOException | RuntimeException ex) {
        return fail(Kind.IO_ERROR, "cannot read " + file + ": " + ex.getClass().getSimpleName()
            + (ex.getMessage() == null ? "" : " " + ex.getMessage()));
      }
    }
    return new Report(Kind.NONE, "none", -1, checked, firstSeq, lastSeq, prevHash, lastCheckpoint,
        checkpoints, trustedKeys != null);
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
    canon.reset();
    AuditJson.writeCanonical(e, canon);
    md.reset();
    md.update(e.prev().getBytes(StandardCharsets.UTF_8));
    md.update(canon.array(), 0, canon.length());
    String h = new String(AuditJson.hashAscii(md.digest()), StandardCharsets.US_ASCII);
    if (!h.equals(e.hash())) {
      return failAt(s, Kind.HASH_MISMATCH, "hash of seq " + s + " does not match its content" + where);
    }
    if (expected >= 0 && !e.prev().equals(prevHash)) {
      return failAt(s, Kind.BROKEN_LINK, "prev of seq " + s + " is not the hash of seq " + (s - 1) + where);
    }
    if (AuditEvent.AUDIT_CHECKPOINT.equals(e.type())) {
      String problem = checkCheckpoint(e);
      if (problem != null) {
        return failAt(s, Kind.BAD_CHECKPOINT, "checkpoint seq " + s + ": " + problem + where);
      }
      lastCheckpoint = s;
      checkpoints++;
    } else if (e.signature() != null || e.keyId() != null) {
      return failAt(s, Kind.BAD_CHECKPOINT, "seq " + s + " carries a signature but is not a checkpoint" + where);
    }
    if (AuditEvent.AUDIT_GAP.equals(e.type()) && (e.count() == null || e.count() <= 0)) {
      return failAt(s, Kind.MALFORMED_LINE, "gap seq " + s + " has no positive count" + where);
    }
    if (firstSeq < 0) {
      firstSeq = s;
    }
    checked++;
    lastSeq = s;
    prevHash = e.hash();
    expected = s + 1;
    return null;
  }

  private String checkCheckpoint(AuditEvent e) {
    if (e.signature() == null || e.keyId() == null) {
      return "missing signature or keyId";
    }
    byte[] sig;
    try {
      if (e.signature().indexOf('=') >= 0) {
        return "signature is not unpadded base64url";
      }
      sig = Base64.getUrlDecoder().decode(e.signature());
    } catch (IllegalArgumentException ex) {
      return "signature is not base64url";
    }
    if (sig.length != 64) {
      return "signature is not 64 bytes";
    }
    if (trustedKeys == null) {
      return null;
    }
    byte[] pub = trustedKeys.get(e.keyId());
    if (pub == null) {
      return "signed by key '" + e.keyId() + "' which is not in the trusted key set";
    }
    byte[] msg = CheckpointSigner.message(e.seq() - 1, e.prev());
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(pub, 0));
    v.update(msg, 0, msg.length);
    return v.verifySignature(sig) ? null : "bad signature";
  }

  private VerificationReport fail(Kind kind, String problem) {
    return failAt(expected < 0 ? 1 : expected, kind, problem);
  }

  private VerificationReport failAt(long badSeq, Kind kind, String problem) {
    return new Report(kind, kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + problem,
        badSeq, checked, firstSeq, lastSeq, prevHash, lastCheckpoint, checkpoints, trustedKeys != null);
  }

  /** Parses a JWK set or a single JWK into keyId -> raw Ed25519 public key (kid and thumbprint). */
  static Map<String, byte[]> parseJwks(String jwks) throws IOException {
    JsonMapper mapper = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    JsonNode root = mapper.readTree(jwks);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, byte[]> out = new HashMap<>();
    if (root.has("keys")) {
      JsonNode keys = root.get("keys");
      if (!keys.isArray()) {
        throw new IllegalArgumentException("'keys' is not an array");
      }
      for (JsonNode k : keys) {
        addKey(k, out);
      }
    } else {
      addKey(root, out);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no Ed25519 key");
    }
    return out;
  }

  private static void addKey(JsonNode k, Map<String, byte[]> out) {
    if (!"OKP".equals(k.path("kty").asText()) || !"Ed25519".equals(k.path("crv").asText())
        || !k.path("x").isTextual()) {
      return;
    }
    String x = k.get("x").asText();
    byte[] pub = Base64.getUrlDecoder().decode(x);
    if (pub.length != 32) {
      throw new IllegalArgumentException("Ed25519 key 'x' is not 32 bytes");
    }
    String thumbprint = thumbprint(x);
    out.put(thumbprint, pub);
    if (k.path("kid").isTextual()) {
      out.put(k.get("kid").asText(), pub);
    }
  }

  /** RFC 7638 thumbprint of an Ed25519 JWK with the given {@code x}. */
  static String thumbprint(String x) {
    byte[] json = ("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}").getBytes(StandardCharsets.UTF_8);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(AuditJson.Sha256.create().digest(json));
  }

  private record Report(Kind kind, String problem, long bad, long eventsChecked, long first, long last,
                        String lastHash, long lastCp, long checkpoints, boolean signaturesPinned)
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
          + ", signaturesPinned=" + signaturesPinned + "}";
    }
  }
}
