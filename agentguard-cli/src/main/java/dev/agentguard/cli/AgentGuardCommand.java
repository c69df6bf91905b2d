package dev.agentguard.cli;

import picocli.CommandLine.Command;

/**
 * The root {@code agentguard} command: groups {@code policy} and {@code audit}.
 *
 * @since 0.2.0
 */
@Command(name = "agentguard", mixinStandardHelpOptions = true, version = "agentguard 0.2.0",
    description = "Lint and test AgentGuard policies; verify, show, report, replay and review audit trails.",
    subcommands = {PolicyCommand.class, AuditCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the policy, test or trail checked is bad",
        "2:usage error (bad options, missing or unreadable file)", "3:internal error"})
final class AgentGuardCommand {}
