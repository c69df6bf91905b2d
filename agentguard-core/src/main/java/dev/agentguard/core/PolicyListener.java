package dev.agentguard.core;

import dev.agentguard.PolicyException;

/**
 * Callbacks of a {@link PolicySource}. Both methods run on the thread that checked the file (the
 * watcher thread or the caller of {@link PolicySource#reload()}); exceptions they throw are logged
 * and otherwise ignored.
 *
 * @since 0.1.0
 */
public interface PolicyListener {
  /** A new valid version went live. */
  default void loaded(PolicySet set) {}

  /** New content could not be used; the previous version (if any) stays live. */
  default void rejected(String source, PolicyException error) {}
}
