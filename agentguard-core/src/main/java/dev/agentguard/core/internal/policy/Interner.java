package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.Glob;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares what repeats across the rules of one document while it is compiled: equal strings
 * (conditions, patterns) become one instance, equal patterns one {@link Glob}, and equal pattern
 * lists one {@link GlobList}. One instance per document being compiled, dropped afterwards, so
 * nothing outlives the policy set that holds the shared objects; its size is bounded by the
 * document's (itself bounded by {@link DocumentReader#MAX_DOCUMENT_CHARS}).
 *
 * <p>Not thread-safe (one compile at a time).
 */
final class Interner {
  private final Map<String, String> strings = new HashMap<>();
  private final Map<String, Glob> globs = new HashMap<>();
  private final Map<List<String>, GlobList> lists = new HashMap<>();

  /** The shared instance of a string equal to {@code s}; null stays null. */
  String string(String s) {
    if (s == null) {
      return null;
    }
    String known = strings.putIfAbsent(s, s);
    return known == null ? s : known;
  }

  /**
   * The shared compiled list of {@code patterns}.
   *
   * @throws IllegalArgumentException for a malformed pattern (see {@link Glob#compile})
   */
  GlobList globList(List<String> patterns) {
    GlobList known = lists.get(patterns);
    if (known != null) {
      return known;
    }
    Glob[] g = new Glob[patterns.size()];
    for (int i = 0; i < g.length; i++) {
      String p = string(patterns.get(i));
      Glob c = globs.get(p);
      if (c == null) {
        c = Glob.compile(p);
        globs.put(p, c);
      }
      g[i] = c;
    }
    GlobList made = GlobList.ofGlobs(g);
    lists.put(made, made);
    return made;
  }
}
