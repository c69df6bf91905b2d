package dev.agentguard.core.internal.policy;

import dev.agentguard.core.internal.Glob;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An unmodifiable list of glob patterns ({@code tools} or {@code agents} of a rule or limit) with
 * their compiled {@link Glob}s. Rules that name the same patterns share one instance (see
 * {@link Interner}), so a policy of 10,000 rules over a few dozen tool sets holds a few dozen of
 * these, not 10,000.
 *
 * <p>Immutable and thread-safe.
 */
final class GlobList extends AbstractList<String> implements RandomAccess {
  private final String[] patterns;
  /** The compiled patterns, index for index; read by the matchers, never written. */
  final Glob[] globs;

  private GlobList(String[] patterns, Glob[] globs) {
    this.patterns = patterns;
    this.globs = globs;
  }

  /**
   * {@code patterns} compiled, or {@code patterns} itself when it already is a {@code GlobList}.
   *
   * @throws IllegalArgumentException for a malformed pattern (see {@link Glob#compile})
   * @throws NullPointerException for a null list or pattern
   */
  static GlobList of(List<String> patterns) {
    if (patterns instanceof GlobList) {
      return (GlobList) patterns;
    }
    String[] p = patterns.toArray(new String[0]);
    Glob[] g = new Glob[p.length];
    for (int i = 0; i < p.length; i++) {
      g[i] = Glob.compile(p[i]);
    }
    return new GlobList(p, g);
  }

  /** A list over already compiled, shared globs (their patterns are the elements). */
  static GlobList ofGlobs(Glob[] globs) {
    String[] p = new String[globs.length];
    for (int i = 0; i < globs.length; i++) {
      p[i] = globs[i].pattern();
    }
    return new GlobList(p, globs);
  }

  @Override
  public String get(int index) {
    return patterns[index];
  }

  @Override
  public int size() {
    return patterns.length;
  }
}
