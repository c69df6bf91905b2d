package dev.agentguard.core.internal.credential;

import dev.agentguard.core.SigningKey;
import dev.agentguard.core.internal.Base64Url;
import dev.agentguard.core.internal.jose.Ed25519;
import dev.agentguard.core.internal.jose.JoseJson;
import dev.agentguard.core.internal.jose.Thumbprints;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * An Ed25519 private key: signs task credentials (and audit checkpoints). The key behind the public
 * {@link SigningKey}; the guard gets it with {@link #of(SigningKey)}.
 *
 * <p>The key id is the RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of the public
 * key. {@link #toString()} shows only the key id. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Ed25519SigningKey {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final StackWalker STACK = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  /** Set once, by {@link SigningKey}'s class initializer: reads the key a SigningKey holds. */
  private static volatile Function<SigningKey, Ed25519SigningKey> unwrap;
  private static final String INLINE_SOURCE = "<string>";
  private static final Map<String, String> KNOWN_ALGORITHMS = Map.of(
      "1.2.840.113549.1.1.1", "RSA",
      "1.2.840.113549.1.1.10", "RSASSA-PSS",
      "1.2.840.10045.2.1", "EC",
      "1.2.840.10040.4.1", "DSA",
      "1.3.101.110", "X25519",
      "1.3.101.111", "X448",
      "1.3.101.113", "Ed448");

  private final Ed25519PrivateKeyParameters privateKey;
  private final byte[] publicKey;
  private final String keyId;
  private final String publicJwks;

  private Ed25519SigningKey(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = privateKey.generatePublicKey().getEncoded();
    if (Ed25519.parsePublicKey(publicKey) == null) {
      // Cannot happen for a key derived per RFC 8032; fail closed if it ever did.
      throw new IllegalStateException("derived Ed25519 public key failed validation");
    }
    this.keyId = Thumbprints.ed25519(publicKey);
    this.publicJwks = jwks(publicKey, keyId);
  }

  /**
   * Lets core read the key behind a {@link SigningKey}, which keeps it private. Called once, by
   * {@code SigningKey}'s class initializer.
   *
   * @param reader returns the key a SigningKey holds
   * @throws IllegalCallerException when called from any other class
   * @throws IllegalStateException when called twice
   */
  public static void unwrapWith(Function<SigningKey, Ed25519SigningKey> reader) {
    if (STACK.getCallerClass() != SigningKey.class) {
      throw new IllegalCallerException("only SigningKey registers its reader");
    }
    synchronized (Ed25519SigningKey.class) {
      if (unwrap != null) {
        throw new IllegalStateException("the SigningKey reader was already registered");
      }
      unwrap = Objects.requireNonNull(reader, "reader");
    }
  }

  /**
   * The Ed25519 key behind a public {@link SigningKey}: what the guard signs credentials and
   * checkpoints with.
   *
   * @param key a key from {@link SigningKey#generate()} or {@link SigningKey#fromPem(Path)}
   * @throws NullPointerException if {@code key} is null
   */
  public static Ed25519SigningKey of(SigningKey key) {
    Objects.requireNonNull(key, "signingKey");
    return unwrap.apply(key); // an instance exists, so SigningKey's initializer has run
  }

  /**
   * A fresh random key from {@link SecureRandom}.
   *
   * @return the key
   */
  public static Ed25519SigningKey generate() {
    return new Ed25519SigningKey(new Ed25519PrivateKeyParameters(RANDOM));
  }

  /**
   * A key from its 32-byte RFC 8032 private key (the JWK {@code d} value).
   *
   * @param seed 32 bytes; copied
   * @return the key
   * @throws IllegalArgumentException when {@code seed} is not 32 bytes
   */
  public static Ed25519SigningKey fromPrivateKeyBytes(byte[] seed) {
    Objects.requireNonNull(seed, "seed");
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 private key must be 32 bytes, got " + seed.length);
    }
    return new Ed25519SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /**
   * Loads a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}, OID 1.3.101.112).
   *
   * @param file the PEM file
   * @return the key
   * @throws IllegalArgumentException naming the file when it cannot be read, holds no PEM object,
   *     more than one, or a key of another type (the message names the type found, never key bytes)
   */
  public static Ed25519SigningKey fromPem(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read Ed25519 key file " + file + ": " + e.getClass().getSimpleName());
    }
    return parsePem(text, file.toString());
  }

  /**
   * Parses PKCS#8 PEM text ({@code -----BEGIN PRIVATE KEY-----}, OID 1.3.101.112).
   *
   * @param pem the PEM text
   * @return the key
   * @throws IllegalArgumentException when the text holds no PEM object, more than one, or a key of
   *     another type (the message names the type found, never key bytes)
   */
  public static Ed25519SigningKey fromPem(String pem) {
    Objects.requireNonNull(pem, "pem");
    return parsePem(pem, INLINE_SOURCE);
  }

  private static Ed25519SigningKey parsePem(String pem, String source) {
    Object object;
    Object extra;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      object = parser.readObject();
      extra = object == null ? null : parser.readObject();
    } catch (IOException | RuntimeException e) {
      // Never propagate parser messages: they could quote key material.
      throw new IllegalArgumentException(
          "cannot parse PEM in " + source + " (" + e.getClass().getSimpleName() + ")");
    }
    if (extra != null) {
      throw new IllegalArgumentException(
          "expected exactly one PEM object in " + source + ", found more");
    }
    if (object == null) {
      throw new IllegalArgumentException("no PEM object found in " + source);
    }
    if (!(object instanceof PrivateKeyInfo)) {
      throw new IllegalArgumentException("expected an Ed25519 PKCS#8 PRIVATE KEY in " + source
          + ", found " + describe(object));
    }
    PrivateKeyInfo info = (PrivateKeyInfo) object;
    ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    if (!EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
      throw new IllegalArgumentException("expected an Ed25519 (1.3.101.112) private key in "
          + source + ", found " + algorithmName(oid));
    }
    if (info.getPrivateKeyAlgorithm().getParameters() != null) {
      throw new IllegalArgumentException(
          "Ed25519 private key in " + source + " has algorithm parameters (RFC 8410 forbids them)");
    }
    byte[] seed;
    try {
      ASN1Encodable inner = info.parsePrivateKey();
      seed = ASN1OctetString.getInstance(inner).getOctets();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Ed25519 private key in " + source + " (" + e.getClass().getSimpleName() + ")");
    }
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("malformed Ed25519 private key in " + source
          + ": expected 32 bytes, got " + seed.length);
    }
    Ed25519SigningKey key = fromPrivateKeyBytes(seed);
    Arrays.fill(seed, (byte) 0);
    if (info.getPublicKeyData() != null
        && !Arrays.equals(info.getPublicKeyData().getOctets(), key.publicKey)) {
      throw new IllegalArgumentException(
          "Ed25519 key in " + source + " carries a public key that does not match its private key");
    }
    return key;
  }

  private static String describe(Object object) {
    if (object instanceof SubjectPublicKeyInfo) {
      return "a PUBLIC KEY (" + algorithmName(
          ((SubjectPublicKeyInfo) object).getAlgorithm().getAlgorithm()) + ")";
    }
    if (object instanceof PEMKeyPair) {
      return "a traditional " + algorithmName(((PEMKeyPair) object).getPrivateKeyInfo()
          .getPrivateKeyAlgorithm().getAlgorithm()) + " PRIVATE KEY";
    }
    if (object instanceof PKCS8EncryptedPrivateKeyInfo) {
      return "an ENCRYPTED PRIVATE KEY (decrypt it first, e.g. openssl pkey)";
    }
    if (object instanceof X509CertificateHolder) {
      return "a CERTIFICATE";
    }
    return "an unsupported PEM object";
  }

  private static String algorithmName(ASN1ObjectIdentifier oid) {
    String id = oid.getId();
    String name = KNOWN_ALGORITHMS.get(id);
    return name == null ? "algorithm " + id : name + " (" + id + ")";
  }

  private static String jwks(byte[] publicKey, String kid) {
    return JoseJson.TOKENS.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("keys");
      g.writeStartObject();
      g.writeStringField("kty", "OKP");
      g.writeStringField("crv", "Ed25519");
      g.writeStringField("x", Base64Url.encode(publicKey));
      g.writeStringField("kid", kid);
      g.writeStringField("use", "sig");
      g.writeStringField("alg", "EdDSA");
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /**
   * Signs a message (pure Ed25519, deterministic).
   *
   * @param message the message
   * @return the 64-byte signature
   */
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    privateKey.sign(org.bouncycastle.math.ec.rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0,
        message.length, signature, 0);
    return signature;
  }

  /**
   * The 32-byte public key.
   *
   * @return a copy
   */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The RFC 7638 thumbprint of the public key: the {@code kid} of what this key signs. */
  public String keyId() {
    return keyId;
  }

  /** A JWK set with this key's public part only (see {@link SigningKey#publicJwks()}). */
  public String publicJwks() {
    return publicJwks;
  }

  @Override
  public String toString() {
    return "Ed25519SigningKey{kid=" + keyId + "}";
  }
}
