package dev.agentguard.cli;

import picocli.CommandLine.Command;

/**
 * {@code agentguard audit}: commands on JSON Lines audit trails.
 *
 * @since 0.2.0
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Verify (a file or a Kafka topic), show, report, replay and review audit trails, and list"
        + " shadow disagreements.",
    subcommands = {AuditVerifyCommand.class, AuditVerifyKafkaCommand.class, AuditShowCommand.class,
        AuditReportCommand.class, AuditReplayCommand.class, AuditUnusedCommand.class, AuditShadowCommand.class})
final class AuditCommand {}
