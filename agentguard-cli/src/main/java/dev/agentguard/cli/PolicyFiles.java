package dev.agentguard.cli;

import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads policy files for the commands: a missing file is a usage error, an invalid document a
 * {@link PolicyException} with the library's {@code file:line:column} message.
 *
 * @since 0.2.0
 */
final class PolicyFiles {
  private PolicyFiles() {}

  /**
   * Loads a policy file.
   *
   * @throws CliException (usage) if the file does not exist or is not a regular file
   * @throws PolicyException if the document is invalid
   */
  static PolicySet load(Path file) {
    requireFile(file, "policy file");
    return PolicySet.load(file);
  }

  /**
   * Loads a policy file the command needs to work (a candidate or reference policy); an invalid
   * document is a usage error naming the file, line and column.
   */
  static PolicySet loadOrFail(Path file) {
    try {
      return load(file);
    } catch (PolicyException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /** Fails with a one-line usage error unless {@code file} is a readable regular file. */
  static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw CliException.usage(what + " not found: " + file);
    }
    if (!Files.isReadable(file)) {
      throw CliException.usage(what + " not readable: " + file);
    }
  }
}
