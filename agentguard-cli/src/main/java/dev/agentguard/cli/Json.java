package dev.agentguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/**
 * The CLI's {@code --json} output: one pretty-printed JSON document per command on stdout, with map
 * keys in insertion order. Thread-safe.
 *
 * @since 0.2.0
 */
final class Json {
  /** Shared mapper for output and for reading the canonical policy document. */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** Writes {@code value} as JSON followed by a newline. */
  static void print(PrintWriter out, Object value) {
    try {
      out.println(MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON output", e);
    }
  }
}
