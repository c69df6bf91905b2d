package dev.agentguard.cli;

import dev.agentguard.PolicyException;
import dev.agentguard.core.PolicySet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code agentguard policy version FILE...}: the {@code sha256:} version each policy file has, the
 * value audit records carry in {@code policyVersion}.
 *
 * @since 0.2.0
 */
@Command(name = "version", mixinStandardHelpOptions = true,
    description = "Print the sha256: version of each policy file (the policyVersion audit records name).")
final class PolicyVersionCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files (YAML or JSON).")
  List<Path> files;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Map<String, Object>> results = new ArrayList<>();
    int code = Main.OK;
    for (Path file : files) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("file", file.toString());
      try {
        PolicySet set = PolicyFiles.load(file);
        r.put("version", set.version());
        if (!json) {
          out.println(set.version() + "  " + file);
        }
      } catch (PolicyException e) {
        r.put("error", e.getMessage());
        code = Main.BAD;
        if (!json) {
          err.println(e.getMessage());
        }
      }
      results.add(r);
    }
    if (json) {
      Json.print(out, results);
    }
    return code;
  }
}
