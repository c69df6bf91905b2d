package dev.agentguard;

import dev.agentguard.internal.VisibleText;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Who an agent is: an id (typically a SPIFFE ID such as
 * {@code spiffe://acme.example/agent/support-bot}) and descriptive attributes that policies read as
 * {@code agent.<name>}.
 *
 * <p><b>SPIFFE IDs.</b> An id that starts with {@code spiffe:} (in any case) must be a valid SPIFFE
 * ID per the SPIFFE-ID standard: scheme {@code spiffe} in lower case; a trust domain of lower-case
 * {@code [a-z0-9._-]} only, at most 255 bytes, without port, userinfo, query, fragment or
 * percent-encoding; path segments of {@code [A-Za-z0-9._-]}, none empty, {@code .} or {@code ..};
 * no trailing {@code /}; at most {@value #MAX_ID_BYTES} bytes in all. For such ids
 * {@link #trustDomain()} and {@link #path()} are present. Other ids keep the looser rules of
 * {@link #of(String)} and have neither.
 *
 * <p><b>Verification.</b> An identity created with {@link #of(String)} or {@link #of(String, Map)}
 * is <em>unverified</em>: the host merely claims it. A <em>verified</em> identity is created only by
 * the SVID verifier of {@code agentguard-core} (the sole holder of an {@link Attestor}) after it
 * checked a JWT-SVID or an X.509-SVID.
 *
 * <p><b>Reserved attributes.</b> {@link #attributes()} always holds {@code verified} (Boolean),
 * holds {@code trustDomain} (String) for SPIFFE ids and {@code proof} (String, e.g.
 * {@code "jwt-svid"} or {@code "x509-svid"}) for verified identities, so that policies can read
 * {@code agent.verified}, {@code agent.trustDomain} and {@code agent.proof}. Host code cannot set
 * these names (nor {@code id}) itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class AgentIdentity {
  /** Longest id accepted, in UTF-8 bytes (the SPIFFE limit). */
  public static final int MAX_ID_BYTES = 2048;

  /**
   * Attribute names reserved for AgentIdentity itself ({@code id, verified, trustDomain, proof});
   * {@link #of(String, Map)} rejects them.
   *
   * @since 0.1.0
   */
  public static final Set<String> RESERVED_ATTRIBUTES = Set.of("id", "verified", "trustDomain", "proof");

  /**
   * Attribute holding {@link #verified()}.
   *
   * @since 0.1.0
   */
  public static final String ATTR_VERIFIED = "verified";
  /**
   * Attribute holding {@link #trustDomain()} (SPIFFE ids only).
   *
   * @since 0.1.0
   */
  public static final String ATTR_TRUST_DOMAIN = "trustDomain";
  /**
   * Attribute holding {@link #proof()} (verified identities only).
   *
   * @since 0.1.0
   */
  public static final String ATTR_PROOF = "proof";

  /**
   * Recently made unverified identities without user attributes, by id: a fixed-size direct-mapped
   * memo (a new id overwrites its slot, nothing grows), so an application that names its agent per
   * call pays the id's validation once. Ids longer than {@link #MEMO_MAX_ID_CHARS} are not kept.
   */
  private static final AtomicReferenceArray<AgentIdentity> MEMO = new AtomicReferenceArray<>(256);
  private static final int MEMO_MAX_ID_CHARS = 256;

  private final String id;
  private final Map<String, Object> attributes;
  private final String trustDomain;
  private final String path;
  private final String proof;

  private AgentIdentity(String id, Map<String, Object> attributes, String trustDomain, String path,
      String proof) {
    this.id = id;
    this.attributes = attributes;
    this.trustDomain = trustDomain;
    this.path = path;
    this.proof = proof;
  }

  /**
   * An unverified identity with no user attributes. Recently made identities are remembered in a
   * small fixed-size memo, so this may return the same instance for an equal id; identities are
   * values, compare them with {@link #equals}.
   *
   * @throws IllegalArgumentException if the id is blank, longer than {@value #MAX_ID_BYTES} bytes,
   *     contains whitespace, control, invisible, bidi or other format characters (the message names
   *     the code point, e.g. {@code U+200B}, and its index), or starts with {@code spiffe:} (any
   *     case) and is not a valid SPIFFE ID (the message says what is wrong)
   * @throws NullPointerException if the id is null
   */
  public static AgentIdentity of(String id) {
    Objects.requireNonNull(id, "id");
    int slot = memoSlot(id);
    AgentIdentity known = MEMO.getAcquire(slot);
    if (known != null && known.id.equals(id)) {
      return known; // immutable, unverified, no user attributes: the same value of(id) would build
    }
    AgentIdentity made = create(id, Map.of(), null);
    if (id.length() <= MEMO_MAX_ID_CHARS) {
      MEMO.setRelease(slot, made);
    }
    return made;
  }

  private static int memoSlot(String id) {
    int h = id.hashCode();
    return (h ^ (h >>> 16)) & (MEMO.length() - 1);
  }

  /**
   * An unverified identity with attributes. Attribute values must be strings, booleans, numbers or
   * lists of them; they are copied. The reserved names {@link #RESERVED_ATTRIBUTES} are rejected.
   *
   * @throws IllegalArgumentException if the id or an attribute is invalid, or an attribute name is
   *     reserved
   * @throws NullPointerException if the id, the map, a name or a value is null
   */
  public static AgentIdentity of(String id, Map<String, ?> attributes) {
    return create(id, attributes, null);
  }

  private static AgentIdentity create(String id, Map<String, ?> attributes, String proof) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(attributes, "attributes");
    VisibleText.requireVisible(id, "agent id");
    String trustDomain = null;
    String path = null;
    if (SpiffeIds.looksLikeSpiffe(id)) {
      String[] parts = SpiffeIds.parse(id);
      trustDomain = parts[0];
      path = parts[1];
    } else {
      validateId(id);
    }
    if (proof != null && trustDomain == null) {
      throw new IllegalArgumentException("a verified identity needs a SPIFFE ID");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : attributes.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "attribute name");
      if (RESERVED_ATTRIBUTES.contains(key)) {
        throw new IllegalArgumentException("agent attribute name '" + key + "' is reserved");
      }
      if (!AttributeValues.isIdentifier(key)) {
        throw new IllegalArgumentException("invalid agent attribute name '" + key + "'");
      }
      copy.put(key, AttributeValues.freeze("agent." + key, e.getValue()));
    }
    copy.put(ATTR_VERIFIED, proof != null);
    if (trustDomain != null) {
      copy.put(ATTR_TRUST_DOMAIN, trustDomain);
    }
    if (proof != null) {
      copy.put(ATTR_PROOF, proof);
    }
    return new AgentIdentity(id, Collections.unmodifiableMap(copy), trustDomain, path, proof);
  }

  private static void validateId(String id) {
    if (id.isEmpty()) {
      throw new IllegalArgumentException("agent id must not be empty");
    }
    if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("agent id longer than " + MAX_ID_BYTES + " bytes");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException("agent id contains whitespace or a control character");
      }
    }
  }

  /** The agent's id. */
  public String id() {
    return id;
  }

  /**
   * Attributes (unmodifiable), read by policies as {@code agent.<name>}: the user attributes plus
   * the reserved {@code verified}, {@code trustDomain} (SPIFFE ids) and {@code proof} (verified
   * identities).
   */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /**
   * Whether an identity verifier proved this identity (see {@link #proof()}); false for identities
   * made with {@link #of(String)} or {@link #of(String, Map)}.
   *
   * @since 0.1.0
   */
  public boolean verified() {
    return proof != null;
  }

  /**
   * The SPIFFE trust domain (for {@code spiffe://acme.example/agent/bot}: {@code acme.example});
   * empty when the id is not a SPIFFE ID.
   *
   * @since 0.1.0
   */
  public Optional<String> trustDomain() {
    return Optional.ofNullable(trustDomain);
  }

  /**
   * The SPIFFE path including its leading {@code /} (for {@code spiffe://acme.example/agent/bot}:
   * {@code /agent/bot}); {@code ""} for a SPIFFE ID without path; empty when the id is not a SPIFFE
   * ID.
   *
   * @since 0.1.0
   */
  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  /**
   * How the identity was proven, e.g. {@code "jwt-svid"} or {@code "x509-svid"}; empty when
   * unverified.
   *
   * @since 0.1.0
   */
  public Optional<String> proof() {
    return Optional.ofNullable(proof);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentIdentity
        && id.equals(((AgentIdentity) o).id)
        && attributes.equals(((AgentIdentity) o).attributes);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + attributes.hashCode();
  }

  @Override
  public String toString() {
    return id;
  }

  /**
   * The capability to create verified identities, held only by AgentGuard's SVID verifier
   * ({@code dev.agentguard.core.SvidVerifier}); host code obtains verified identities from that
   * verifier, after it checked a JWT-SVID or an X.509-SVID. The class is final with a private
   * constructor, and {@link #forVerifier} hands instances to that verifier class alone, so no
   * subclass, factory or other public route lets application code mint an identity that passes
   * {@code elevatedRequiresVerifiedAgent} or a policy's {@code agent.verified}.
   *
   * <p>The limit: code that uses reflection on AgentGuard's private members, or that loads its own
   * copy of the verifier class in a hand-built class loader, is outside what a library can stop
   * (it can rewrite any object in the JVM); run untrusted code in another process.
   *
   * <p>Immutable and thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Attestor {
    /** The one class {@link #forVerifier} serves: the SVID verifier of {@code agentguard-core}. */
    private static final String VERIFIER_CLASS = "dev.agentguard.core.internal.identity.DefaultSvidVerifier";
    private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private final String proof;

    private Attestor(String proof) {
      Objects.requireNonNull(proof, "proof");
      if (proof.isEmpty() || proof.length() > 32) {
        throw new IllegalArgumentException("proof name must have 1 to 32 characters");
      }
      for (int i = 0; i < proof.length(); i++) {
        char c = proof.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
          throw new IllegalArgumentException("invalid proof name '" + proof + "'");
        }
      }
      this.proof = proof;
    }

    /**
     * An attestor whose identities carry the given proof name. For AgentGuard's SVID verifier only.
     *
     * @param proof how identities are proven: 1 to 32 characters of {@code [a-z0-9-]}, e.g.
     *     {@code "jwt-svid"}
     * @throws IllegalCallerException when called from any class other than AgentGuard's SVID
     *     verifier (the caller is identified by class and class loader)
     * @throws IllegalArgumentException if the proof name is malformed
     * @since 0.2.0
     */
    public static Attestor forVerifier(String proof) {
      Class<?> caller = STACK.getCallerClass();
      if (!isVerifier(caller)) {
        throw new IllegalCallerException("only AgentGuard's SVID verifier creates verified identities; "
            + "obtain them from SvidVerifier.verifyJwtSvid or verifyX509Svid (caller: " + caller.getName() + ")");
      }
      return new Attestor(proof);
    }

    /** The verifier class, loaded by a loader that links it against this very AgentIdentity. */
    private static boolean isVerifier(Class<?> caller) {
      if (!caller.getName().equals(VERIFIER_CLASS) || caller.getClassLoader() == null) {
        return false;
      }
      try {
        return Class.forName(AgentIdentity.class.getName(), false, caller.getClassLoader()) == AgentIdentity.class;
      } catch (ClassNotFoundException e) {
        return false;
      }
    }

    /** The proof name this attestor records. */
    public String proof() {
      return proof;
    }

    /**
     * A verified identity for a SPIFFE ID whose proof the verifier has checked.
     *
     * @throws IllegalArgumentException if the id is not a valid SPIFFE ID
     */
    public AgentIdentity attest(String spiffeId) {
      return attest(spiffeId, Map.of());
    }

    /**
     * A verified identity with attributes for a SPIFFE ID whose proof the verifier has checked.
     *
     * @throws IllegalArgumentException if the id is not a valid SPIFFE ID, an attribute is invalid
     *     or its name reserved
     */
    public AgentIdentity attest(String spiffeId, Map<String, ?> attributes) {
      Objects.requireNonNull(spiffeId, "spiffeId");
      if (!SpiffeIds.looksLikeSpiffe(spiffeId)) {
        throw new IllegalArgumentException("a verified identity needs a SPIFFE ID");
      }
      return create(spiffeId, attributes, proof);
    }
  }
}
