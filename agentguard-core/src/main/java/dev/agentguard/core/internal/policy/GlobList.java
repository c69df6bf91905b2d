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
  /** The compiled patterns, whose {@link Glob#pattern()}s are the elements; never written. */
  final Glob[] globs;

  private GlobList(Glob[] globs) {
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
    Glob[] g = new Glob[patterns.size()];
    for (int i = 0; i < g.length; i++) {
      g[i] = Glob.compile(patterns.get(i));
    }
    return new GlobList(g);
  }

  /** A list over already compiled, shared globs (their patterns are the elements). */
  static GlobList ofGlobs(Glob[] globs) {
    return new GlobList(globs);
  }

  @Override
  public String get(int index) {
    return globs[index].pattern();
  }

  @Override
  public int size() {
    return globs.length;
  }
}
