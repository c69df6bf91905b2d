package dev.agentguard.core.internal.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentguard.PolicyException;
import dev.agentguard.core.internal.FileWatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a policy document (YAML or JSON) strictly into compiled {@link Rule}s and {@link Limit}s,
 * and computes the canonical form and version: {@link DocumentTree} reads, {@link DocumentValidator}
 * checks and compiles, {@link CanonicalForm} prints and hashes. Every problem is a {@link PolicyException} with the
 * line and column of the offending token. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class DocumentReader {
  /** Largest document accepted, in characters (4 MiB). */
  public static final int MAX_DOCUMENT_CHARS = 4 * 1024 * 1024;
  /** Largest policy file read, in bytes (a UTF-8 document of {@link #MAX_DOCUMENT_CHARS} characters fits). */
  public static final long MAX_FILE_BYTES = 4L * MAX_DOCUMENT_CHARS;
  /** Deepest nesting of objects and lists in a document. */
  public static final int MAX_DOCUMENT_DEPTH = 32;
  /** Longest string (or key) in a document, in characters. */
  public static final int MAX_LITERAL_CHARS = 16 * 1024;
  /** Most rules in one document. */
  public static final int MAX_RULES = 100_000;
  /** Most limits in one document. */
  public static final int MAX_LIMITS = 10_000;
  /** Most entries in one {@code tools} or {@code agents} list. */
  public static final int MAX_GLOBS_PER_LIST = 1024;

  private DocumentReader() {}

  /** The result of reading a document. */
  static final class Parsed {
    final List<Rule> rules;
    final List<Limit> limits;
    final String canonical;
    final String version;

    Parsed(List<Rule> rules, List<Limit> limits, String canonical, String version) {
      this.rules = rules;
      this.limits = limits;
      this.canonical = canonical;
      this.version = version;
    }
  }

  /**
   * Parses, validates and compiles a document.
   *
   * @throws PolicyException on any problem, with source, line and column
   */
  static Parsed read(String text, String source) {
    if (text == null) {
      throw new PolicyException(source, 0, 0, null, "document is null");
    }
    if (text.length() > MAX_DOCUMENT_CHARS) {
      throw new PolicyException(source, 0, 0, null,
          "document longer than " + MAX_DOCUMENT_CHARS + " characters");
    }
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    DocumentTree.Node root;
    try {
      root = DocumentTree.readTree(body, source);
    } catch (PolicyException e) {
      throw e;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new PolicyException(source, loc == null ? 0 : Math.max(loc.getLineNr(), 0),
          loc == null ? 0 : Math.max(loc.getColumnNr(), 0), null,
          "syntax error: " + DocumentTree.firstLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      throw new PolicyException(source, 0, 0, null, "cannot read document: " + DocumentTree.firstLine(String.valueOf(e.getMessage())));
    } catch (StackOverflowError e) {
      throw new PolicyException(source, 0, 0, null, "document nested too deeply");
    }
    return new DocumentValidator(source, body).document(root);
  }

  /**
   * Reads a policy file as strict UTF-8, bounded by {@link DocumentReader#MAX_FILE_BYTES} bytes.
   *
   * @throws PolicyException on I/O errors, oversize files or invalid UTF-8
   */
  static String readFile(Path file, String name) {
    byte[] bytes;
    try {
      bytes = FileWatch.readBounded(file, MAX_FILE_BYTES);
    } catch (IOException | SecurityException e) {
      throw new PolicyException(name, 0, 0, null, "cannot read policy file: " + FileWatch.problem(e));
    }
    return decode(bytes, name);
  }

  /**
   * Decodes strict UTF-8.
   *
   * @throws PolicyException on malformed input
   */
  public static String decode(byte[] bytes, String name) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new PolicyException(name, 0, 0, null, "policy file is not valid UTF-8");
    }
  }
}
