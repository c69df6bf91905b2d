package dev.agentguard.cli;

import dev.agentguard.kafka.KafkaAuditLog;
import dev.agentguard.kafka.KafkaVerification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit verify-kafka --bootstrap HOST:PORT --topic T [--instance ID]}: verifies
 * the audit chains on a Kafka topic written by {@code KafkaAuditSink}, per guard instance; exit code
 * 1 when one does not verify.
 *
 * @since 0.2.0
 */
@Command(name = "verify-kafka", mixinStandardHelpOptions = true,
    description = {"Verify the audit chains on a Kafka topic, per guard instance (record key).",
        "Exit 1 when one does not verify."})
final class AuditVerifyKafkaCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The audit topic.")
  String topic;

  @Option(names = "--instance", paramLabel = "ID", description = "Only this guard instance (default: every one).")
  String instance;

  @Option(names = "--from-offset", paramLabel = "N",
      description = "Verify the instance's records from this offset on (needs --instance).")
  Long fromOffset;

  @Option(names = "--from-last-checkpoint",
      description = "Verify the instance's records from its last checkpoint on (needs --instance).")
  boolean fromLastCheckpoint;

  @Option(names = "--jwks", paramLabel = "FILE",
      description = "Trusted JWK set of the checkpoint signing keys; pins checkpoint signatures.")
  Path jwks;

  @Option(names = "--property", paramLabel = "NAME=VALUE",
      description = "A Kafka consumer property (security settings, ...); repeatable. Never printed.")
  Map<String, String> properties = Map.of();

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long reading the topic may take (default 30).")
  long timeoutSeconds = 30;

  @Option(names = "--require-clean-close",
      description = "Exit 1 unless each instance's last run ends with its audit.closed record (not for live guards).")
  boolean requireCleanClose;

  @Override
  public Integer call() {
    if ((fromOffset != null || fromLastCheckpoint) && instance == null) {
      throw CliException.usage("--from-offset and --from-last-checkpoint need --instance ID");
    }
    if (fromOffset != null && fromLastCheckpoint) {
      throw CliException.usage("give either --from-offset or --from-last-checkpoint, not both");
    }
    if (timeoutSeconds <= 0) {
      throw CliException.usage("--timeout must be a positive number of seconds, was " + timeoutSeconds);
    }
    KafkaAuditLog.Builder b = KafkaAuditLog.builder(bootstrap, topic).readTimeout(Duration.ofSeconds(timeoutSeconds));
    try {
      properties.forEach(b::property);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    if (jwks != null) {
      try {
        b.trustedPublicJwks(Files.readString(jwks, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw CliException.usage("cannot read --jwks " + jwks + ": " + e.getClass().getSimpleName());
      }
    }
    KafkaAuditLog log = b.build();
    List<KafkaVerification> results;
    try {
      if (instance == null) {
        results = log.verifyAll();
      } else if (fromLastCheckpoint) {
        results = List.of(log.verifyFromLastCheckpoint(instance));
      } else {
        results = List.of(log.verify(instance, fromOffset == null ? 0 : fromOffset));
      }
    } catch (IllegalStateException | KafkaException e) {
      throw CliException.bad("cannot read Kafka topic " + topic + " at " + bootstrap + ": " + e.getMessage()
          + " (check --bootstrap, --topic and the security --property settings)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (results.isEmpty()) {
      out.println("topic " + topic + ": no audit records");
      return Main.BAD;
    }
    boolean ok = true;
    for (KafkaVerification v : results) {
      out.println((v.ok() ? "OK     " : "FAILED ") + v.summary());
      ok &= v.ok() && (!requireCleanClose || v.endedCleanly());
    }
    return ok ? Main.OK : Main.BAD;
  }
}
