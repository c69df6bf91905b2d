package dev.agentguard;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who an agent is: an id (typically a SPIFFE ID such as
 * {@code spiffe://acme.example/agent/support-bot}) and descriptive attributes that policies read as
 * {@code agent.<name>}.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class AgentIdentity {
  /** Longest id accepted, in UTF-8 bytes (the SPIFFE limit). */
  public static final int MAX_ID_BYTES = 2048;

  private final String id;
  private final Map<String, Object> attributes;

  private AgentIdentity(String id, Map<String, Object> attributes) {
    this.id = id;
    this.attributes = attributes;
  }

  /**
   * An identity with no attributes.
   *
   * @throws IllegalArgumentException if the id is blank, longer than {@value #MAX_ID_BYTES} bytes, or
   *     contains whitespace or control characters
   */
  public static AgentIdentity of(String id) {
    return of(id, Map.of());
  }

  /**
   * An identity with attributes. Attribute values must be strings, booleans, numbers or lists of
   * them; they are copied.
   *
   * @throws IllegalArgumentException if the id or an attribute is invalid
   */
  public static AgentIdentity of(String id, Map<String, ?> attributes) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(attributes, "attributes");
    validateId(id);
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : attributes.entrySet()) {
      String key = Objects.requireNonNull(e.getKey(), "attribute name");
      if (key.equals("id") || !AttributeValues.isIdentifier(key)) {
        throw new IllegalArgumentException("invalid agent attribute name '" + key + "'");
      }
      copy.put(key, AttributeValues.freeze("agent." + key, e.getValue()));
    }
    return new AgentIdentity(id, Collections.unmodifiableMap(copy));
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

  /** Descriptive attributes (unmodifiable), read by policies as {@code agent.<name>}. */
  public Map<String, Object> attributes() {
    return attributes;
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
}
