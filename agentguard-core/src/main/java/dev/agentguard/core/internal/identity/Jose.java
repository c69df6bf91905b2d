package dev.agentguard.core.internal.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * Strict building blocks for JOSE parsing: canonical base64url and bounded, duplicate-rejecting
 * JSON. Stateless and thread-safe.
 */
final class Jose {
  /** Deepest JSON nesting accepted (an object holding an array is depth 2). */
  static final int MAX_JSON_DEPTH = 8;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_JSON_DEPTH)
          .maxNumberLength(64)
          .maxStringLength(1 << 20)
          .build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final BigInteger P256_ORDER = curveOrder("secp256r1");
  static final BigInteger P384_ORDER = curveOrder("secp384r1");

  private Jose() {}

  /** Parses one JSON object; null when it is not valid, bounded JSON without duplicate names. */
  static JsonNode jsonObject(byte[] json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static JsonNode jsonObject(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The order n of a named curve. */
  private static BigInteger curveOrder(String name) {
    return curveParams(name).getOrder();
  }

  static ECParameterSpec curveParams(String name) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(name));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + name, e);
    }
  }
}
