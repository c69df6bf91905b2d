package dev.agentguard.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Heap retained per rule by each engine: the heap in use (after full GCs, read through
 * {@link MemoryMXBean}) with the engine loaded at N = 10,000 minus the same at N = 10, divided by
 * the 9,990 extra rules. The scenario and its source text are built before the first reading, so
 * only what the engine keeps is counted; with {@code -Dfootprint.warm=true} the engine first decides
 * the scenario's requests, so per-tool and per-agent caches count too. Cedar's numbers are the Java heap only: its parsed policies
 * live in Rust's native memory, which this cannot see.
 *
 * <p>Run with a collector whose {@code System.gc()} is a full, exact collection:
 * <pre>
 * java -Xms2g -Xmx2g -XX:+UseSerialGC -cp agentguard-benchmarks/target/benchmarks.jar \
 *     dev.agentguard.benchmarks.RuleFootprint [json-output-file] [engine ...]
 * </pre>
 *
 * @since 0.1.0
 */
public final class RuleFootprint {
  private static final int SMALL = 10;
  private static final int LARGE = 10_000;
  /**
   * With {@code -Dfootprint.warm=true}, each engine first decides the three fixed and
   * {@value #WARM_REQUESTS} random requests, so what it caches per tool or agent is counted too.
   */
  private static final boolean WARM = Boolean.getBoolean("footprint.warm");
  private static final int WARM_REQUESTS = 2_000;

  private RuleFootprint() {}

  /**
   * Measures the engines named in {@code args[1..]} (default: all) and prints one line per engine;
   * writes a JSON array to {@code args[0]} when given and not {@code -}.
   *
   * @throws IOException if the JSON file cannot be written
   */
  public static void main(String[] args) throws IOException {
    List<String> engines = args.length > 1
        ? Arrays.asList(args).subList(1, args.length) : Engines.NAMES;
    PrintStream out = System.out;
    List<String> json = new ArrayList<>();
    out.printf(Locale.ROOT, "%s%n", WARM ? "after " + (WARM_REQUESTS + 3) + " decisions per load" : "loaded only");
    out.printf(Locale.ROOT, "%-14s %14s %14s %12s%n", "engine", "heap@N=10 B", "heap@N=10k B",
        "B/rule");
    for (String name : engines) {
      long small = retained(name, SMALL);
      long large = retained(name, LARGE);
      double perRule = (large - small) / (double) (LARGE - SMALL);
      out.printf(Locale.ROOT, "%-14s %14d %14d %12.1f%s%n", name, small, large, perRule,
          name.startsWith("cedar") ? "  (Java heap only; Rust side not visible)" : "");
      json.add(String.format(Locale.ROOT,
          "{\"engine\":\"%s\",\"retainedAtN10\":%d,\"retainedAtN10000\":%d,\"bytesPerRule\":%.1f}",
          name, small, large, perRule));
    }
    if (args.length > 0 && !args[0].equals("-")) {
      Files.writeString(Path.of(args[0]), "[" + String.join(",\n", json) + "]\n",
          StandardCharsets.UTF_8);
    }
  }

  /** Heap retained by one engine loaded with N rules, median of three loads. */
  static long retained(String name, int n) {
    Scenario scenario = Scenario.generate(n);
    List<Scenario.Request> requests = WARM ? new ArrayList<>(scenario.fixedRequests()) : List.of();
    if (WARM) {
      requests.addAll(scenario.randomRequests(WARM_REQUESTS, CrossCheck.REQUEST_SEED));
    }
    long[] samples = new long[3];
    for (int i = 0; i < samples.length; i++) {
      long before = usedAfterGc();
      Engine engine = Engines.create(name, scenario);
      for (Scenario.Request r : requests) {
        engine.prepare(r).getAsBoolean(); // fills whatever the engine caches per tool or agent
      }
      long after = usedAfterGc();
      Reference.reachabilityFence(engine);
      samples[i] = after - before;
    }
    Reference.reachabilityFence(scenario);
    Arrays.sort(samples);
    return samples[1];
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
