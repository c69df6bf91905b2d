package dev.agentguard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agentguard audit verify FILE... [--jwks FILE]}: the library's hash-chain and checkpoint
 * verification with its verdict; exit code 1 when the trail does not verify.
 *
 * @since 0.2.0
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify a trail's hash chain and checkpoints (rotated files are read in order).",
        "Exit 1 when it does not verify."})
final class AuditVerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files (each with its rotated files).")
  List<Path> files;

  @Option(names = "--jwks", paramLabel = "FILE",
      description = "Trusted JWK set of the checkpoint signing keys; pins checkpoint signatures.")
  Path jwks;

  @Option(names = "--require-clean-close",
      description = "Exit 1 unless the trail ends with the guard's audit.closed record (not for live trails).")
  boolean requireCleanClose;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Verification v = Verification.run(Trail.files(files), jwks);
    if (json) {
      Json.print(out, v.toJson());
    } else {
      out.println(v.headline());
      v.details().forEach(d -> out.println("  " + d));
    }
    boolean ok = v.report().ok() && (!requireCleanClose || v.report().endedCleanly());
    return ok ? Main.OK : Main.BAD;
  }
}
