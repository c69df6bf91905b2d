package dev.agentguard.core.internal.credential;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounded, strict JSON for JOSE headers, claims and JWK sets: duplicate names rejected, nesting
 * depth at most {@value #MAX_DEPTH}, strings at most {@value #MAX_STRING} characters, numbers at
 * most {@value #MAX_NUMBER} digits, no trailing content, strict UTF-8 input.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class StrictJson {
  /** Maximum nesting depth of arrays and objects. */
  public static final int MAX_DEPTH = 8;
  /** Maximum string length in characters. */
  public static final int MAX_STRING = 8192;
  /** Maximum number length in characters. */
  public static final int MAX_NUMBER = 32;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_STRING)
          .maxNameLength(256)
          .maxNumberLength(MAX_NUMBER)
          .maxDocumentLength(1L << 20)
          .build())
      .build();

  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictJson() {}

  /**
   * Parses a JSON object from strict UTF-8 bytes.
   *
   * @param utf8 the bytes
   * @return the object, or {@code null} when the bytes are not valid UTF-8, not JSON within the
   *     bounds, or not an object
   */
  public static ObjectNode parseObject(byte[] utf8) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    return parseObject(text);
  }

  /**
   * Parses a JSON object from text.
   *
   * @param text the JSON text
   * @return the object, or {@code null} when the text is not JSON within the bounds or not an
   *     object
   */
  public static ObjectNode parseObject(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      // Jackson reports limit violations and syntax errors as IOExceptions; anything else it
      // might throw on hostile input is treated the same way: not a valid object.
      return null;
    }
  }

  /** Writes JSON with a generator; wraps the (impossible) I/O errors of a StringWriter. */
  interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * Serializes with a caller-driven generator, so field order is exactly the order written.
   *
   * @param writer writes one JSON value
   * @return the compact JSON text
   */
  static String write(Writer writer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
