package dev.agentguard.core.internal.policy;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * An unmodifiable list view that maps each rule of a policy set to what a caller reads of it
 * ({@code PolicySet.ruleIds()}, {@code PolicySet.rules()}) on access, so a policy set does not hold
 * a second per-rule object for each view. Elements are values ({@code String}s, {@code RuleView}
 * records): equal on every access, not necessarily the same instance.
 *
 * <p>Immutable and thread-safe when the mapping is (it is a pure function here).
 */
final class RuleList<T> extends AbstractList<T> implements RandomAccess {
  private final List<Rule> rules;
  private final Function<Rule, T> view;

  RuleList(List<Rule> rules, Function<Rule, T> view) {
    this.rules = rules;
    this.view = view;
  }

  @Override
  public T get(int index) {
    return view.apply(rules.get(index));
  }

  @Override
  public int size() {
    return rules.size();
  }
}
