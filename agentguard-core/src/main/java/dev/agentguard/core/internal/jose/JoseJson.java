package dev.agentguard.core.internal.jose;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentguard.core.internal.StrictJsonFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict JSON for JOSE objects: strict UTF-8, duplicate names rejected, no trailing content, and
 * bounded nesting, string, number and document sizes (through {@link StrictJsonFactory}). Two sets
 * of bounds exist: {@link #TOKENS} for task credentials and their JWK sets, {@link #SPIFFE} for
 * JWT-SVIDs and trust bundles (whose {@code x5c} certificates need long strings).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class JoseJson {
  /** Deepest nesting either set of bounds accepts (an object holding an array is depth 2). */
  public static final int MAX_DEPTH = 8;

  /**
   * Task credentials and Ed25519 JWK sets: strings at most 8192 characters, names at most 256,
   * numbers at most 32 characters, documents at most 1 MiB.
   */
  public static final JoseJson TOKENS = new JoseJson(withNameLimit(
      StrictJsonFactory.create(MAX_DEPTH, 8192, 32, 1L << 20), 256));

  /**
   * JWT-SVIDs and SPIFFE trust bundles: strings at most 1 MiB, numbers at most 64 characters
   * (bundle files are bounded to 1 MiB before parsing).
   */
  public static final JoseJson SPIFFE = new JoseJson(StrictJsonFactory.create(MAX_DEPTH, 1 << 20, 64, -1));

  private final JsonFactory factory;
  private final ObjectMapper mapper;

  private JoseJson(JsonFactory factory) {
    this.factory = factory;
    this.mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private static JsonFactory withNameLimit(JsonFactory f, int maxNameLength) {
    return f.rebuild()
        .streamReadConstraints(f.streamReadConstraints().rebuild().maxNameLength(maxNameLength).build())
        .build();
  }

  /**
   * Parses one JSON object from strict UTF-8 bytes.
   *
   * @return the object, or {@code null} when the bytes are not valid UTF-8, not JSON within the
   *     bounds (or with duplicate names or trailing data), or not an object
   */
  public ObjectNode parseObject(byte[] utf8) {
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
   * Parses one JSON object from text.
   *
   * @return the object, or {@code null} when the text is not JSON within the bounds (or with
   *     duplicate names or trailing data), or not an object
   */
  public ObjectNode parseObject(String text) {
    try {
      JsonNode node = mapper.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      // Jackson reports limit violations and syntax errors as IOExceptions; anything else it
      // might throw on hostile input is treated the same way: not a valid object.
      return null;
    }
  }

  /** Writes one JSON value with a generator. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the value; a {@code StringWriter} never fails, so the exception cannot happen. */
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * Serializes with a caller-driven generator, so member order is exactly the order written.
   *
   * @return the compact JSON text
   */
  public String write(Writer writer) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = factory.createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
