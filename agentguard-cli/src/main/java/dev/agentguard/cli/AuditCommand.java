package dev.agentguard.cli;

import picocli.CommandLine.Command;

/**
 * {@code agentguard audit}: commands on JSON Lines audit trails.
 *
 * @since 0.2.0
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Verify, show, report, replay and review JSON Lines audit trails.",
    subcommands = {AuditVerifyCommand.class, AuditVerifyKafkaCommand.class, AuditShowCommand.class, AuditReportCommand.class,
        AuditReplayCommand.class, AuditUnusedCommand.class})
final class AuditCommand {}
