package dev.agentguard.cli;

import picocli.CommandLine.Command;

/**
 * {@code agentguard policy}: commands on policy documents.
 *
 * @since 0.2.0
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Check, test and identify policy documents.",
    subcommands = {PolicyLintCommand.class, PolicyTestCommand.class, PolicyExplainCommand.class,
        PolicyVersionCommand.class})
final class PolicyCommand {}
