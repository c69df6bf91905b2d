package dev.agentguard.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The one way the library makes a Jackson {@link JsonFactory} for input it does not trust
 * (policies, tokens, bundles, audit lines): duplicate names rejected, and nesting, string, number
 * and document sizes bounded by the caller's limits, so each reader states its bounds in one line.
 *
 * <p>Thread-safe (stateless); the factories it returns are thread-safe too.
 *
 * @since 0.2.0
 */
public final class StrictJsonFactory {
  private StrictJsonFactory() {}

  /**
   * A factory with duplicate detection and the given bounds.
   *
   * @param maxDepth deepest nesting accepted (an object holding an array is depth 2)
   * @param maxStringChars longest string value, in characters
   * @param maxNumberChars longest number literal, in characters
   * @param maxDocumentChars longest document, in characters (or bytes), or {@code -1} for no bound
   */
  public static JsonFactory create(int maxDepth, int maxStringChars, int maxNumberChars, long maxDocumentChars) {
    return JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(constraints(maxDepth, maxStringChars, maxNumberChars, maxDocumentChars))
        .build();
  }

  /** The bounds alone, for factories of other formats (YAML) that must apply the same limits. */
  public static StreamReadConstraints constraints(int maxDepth, int maxStringChars, int maxNumberChars,
      long maxDocumentChars) {
    return StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxStringLength(maxStringChars)
        .maxNumberLength(maxNumberChars)
        .maxDocumentLength(maxDocumentChars)
        .build();
  }
}
