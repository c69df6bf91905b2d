package dev.agentguard.examples.supportbot;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AuditEvent;
import dev.agentguard.Decision;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.AuditLog;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.SvidVerifier;
import dev.agentguard.core.VerificationReport;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The support-bot story, step by step; prints each decision with its code and reasons. */
public final class SupportBotScenario {
  static final String SUPPORT_BOT_ID = "spiffe://acme.example/agent/support-bot";

  private final PrintStream out;
  private int allowed;
  private int denied;

  private SupportBotScenario(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the whole scenario in a fresh temporary directory.
   *
   * @return how many calls were allowed and denied, as {@code {allowed, denied}}
   */
  public static int[] run(PrintStream out) throws Exception {
    SupportBotScenario s = new SupportBotScenario(out);
    s.play();
    return new int[] {s.allowed, s.denied};
  }

  private void play() throws Exception {
    Path dir = Files.createTempDirectory("agentguard-demo");
    Path policy = dir.resolve("support-bot-policy.yaml");
    try (InputStream in = SupportBotScenario.class.getResourceAsStream("/demo/support-bot-policy.yaml")) {
      Files.copy(in, policy);
    }
    Path auditFile = dir.resolve("audit.jsonl");
    DemoClock clock = new DemoClock();
    String mainTaskId;

    // The support bot proves who it is with a JWT-SVID from its trust domain (made up for the demo).
    DemoTrustDomain acme = new DemoTrustDomain("acme.example");
    Path bundle = dir.resolve("acme.example.bundle.json");
    Files.writeString(bundle, acme.bundleJson());
    AgentIdentity supportBot;
    try (SvidVerifier svids = SvidVerifier.builder().trustBundle(bundle).audience("agentguard-tools")
        .clock(clock).build()) {
      supportBot = svids.verifyJwtSvid(acme.mintJwtSvid(SUPPORT_BOT_ID, "agentguard-tools", clock.instant()));
    }

    try (AgentGuard guard = AgentGuard.builder()
        .policy(policy)
        .auditSink(AuditSinks.jsonLines(auditFile))
        .internalHosts("*.acme.example", "localhost")
        .clock(clock)
        .elevatedRequiresVerifiedAgent(true)
        .build()) {
      TicketTools tickets = guard.protect(TicketTools.class, new FakeBackends.Tickets());
      MessagingTools messaging = guard.protect(MessagingTools.class, new FakeBackends.Messaging());
      out.println("AgentGuard demo: support bot " + supportBot.id() + " (identity verified by "
          + supportBot.proof().orElse("nothing") + ")");
      out.println("policy " + guard.policyVersion().orElse("<none>") + " from " + policy.getFileName());
      out.println();

      heading("Before any task: calls are refused");
      step("tickets.read T-1", () -> tickets.read("T-1"));

      TaskSpec spec = TaskSpec.builder(supportBot)
          .purpose("triage T-1")
          .onBehalfOf("user:alice")
          .scopes("tickets.*", "customers.read", "http.post", "email.send")
          .ttl(Duration.ofMinutes(5))
          .context("environment", "prod")
          .build();
      try (AgentTask task = guard.startTask(spec)) {
        mainTaskId = task.id();
        heading("Task " + task.id() + " (credential " + task.credential().id() + ", 5 min)");
        step("tickets.read T-1", () -> tickets.read("T-1"));
        step("http.post internal status hook", () -> messaging.post("https://status.acme.example/hooks/t1", "ack T-1"));
        step("http.post partner webhook", () -> messaging.post("https://hooks.partner.example/t1", "ack T-1"));
        step("customers.read C-42 (confidential)", () -> tickets.customer("C-42"));
        step("http.post partner webhook again", () -> messaging.post("https://hooks.partner.example/t1", "Jane Roe"));
        step("crm.export (not in the task's scopes)", tickets::exportCrm);
        for (int i = 1; i <= 4; i++) {
          int n = i;
          step("email.send #" + n + " to the internal desk",
              () -> messaging.email("smtp://relay.acme.example", "desk@acme.example", "update " + n));
        }
        clock.advance(Duration.ofMinutes(6));
        heading("Six minutes later");
        step("tickets.read T-1", () -> tickets.read("T-1"));
      }

      heading("An agent that only claims an identity");
      AgentIdentity claimed = AgentIdentity.of("spiffe://acme.example/agent/intern-bot");
      try (AgentTask intern = guard.startTask(TaskSpec.builder(claimed).purpose("draft replies")
          .scopes("tickets.*", "http.post").context("environment", "prod").build())) {
        step("http.post (HIGH risk) by an unverified agent",
            () -> messaging.post("https://status.acme.example/hooks/t1", "hello"));
      }

      heading("Two parallel tasks, then revokeAgent");
      AgentTask a = guard.startTask(TaskSpec.builder(supportBot).purpose("triage T-2")
          .scopes("tickets.*").context("environment", "prod").build());
      step("task A tickets.read T-2", () -> tickets.read("T-2"));
      AgentTask b = guard.startTask(TaskSpec.builder(supportBot).purpose("triage T-3")
          .scopes("tickets.*").context("environment", "prod").build());
      String onOtherThread = CompletableFuture.supplyAsync(() -> tickets.read("T-3"), b.wrap(ForkJoinPool.commonPool()))
          .get(5, TimeUnit.SECONDS);
      out.printf("  %-5s %-44s %s%n", "ALLOW", "task B tickets.read T-3 (pool thread)", onOtherThread);
      allowed++;
      guard.revokeAgent(supportBot.id());
      out.println("  revokeAgent(" + supportBot.id() + ")");
      step("task B tickets.read T-3", () -> tickets.read("T-3"));
      b.close();
      step("task A tickets.read T-2", () -> tickets.read("T-2"));
      a.close();
    }

    heading("Audit trail of task " + mainTaskId + " (reconstructed from " + auditFile.getFileName() + ")");
    List<AuditEvent> chain = AuditLog.reconstruct(auditFile, mainTaskId);
    for (AuditEvent e : chain) {
      out.printf("  #%-4d %-18s %-15s %-6s %-18s %s%n", e.seq(), e.type(), e.tool() == null ? "" : e.tool(),
          e.decision() == null ? (e.outcome() == null ? "" : e.outcome())
              : e.outcome() == null ? e.decision() : e.decision() + " " + e.outcome(),
          e.code() == null ? "" : e.code(), String.join("; ", e.reasons()));
    }
    VerificationReport report = AuditLog.verify(auditFile);
    out.println();
    out.println("AuditLog.verify: " + (report.ok() ? "OK" : "FAILED: " + report.problem()) + ", "
        + report.eventsChecked() + " events checked");
    out.println("calls allowed: " + allowed + ", denied: " + denied);
    out.println("audit trail kept in " + auditFile);
  }

  private void heading(String title) {
    out.println();
    out.println(title);
  }

  private void step(String label, Supplier<String> call) {
    try {
      String result = call.get();
      allowed++;
      out.printf("  %-5s %-44s %s%n", "ALLOW", label, result);
    } catch (AccessDeniedException e) {
      denied++;
      Decision d = e.decision();
      out.printf("  %-5s %-44s %s %s %s%n", "DENY", label, d.code(), d.policies().isEmpty() ? "" : d.policies(),
          String.join("; ", d.reasons()));
    }
  }
}
