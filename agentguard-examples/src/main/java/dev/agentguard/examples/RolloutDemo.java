package dev.agentguard.examples;

import dev.agentguard.AccessDeniedException;
import dev.agentguard.AgentIdentity;
import dev.agentguard.AgentTask;
import dev.agentguard.AgentTool;
import dev.agentguard.ApprovalRequest;
import dev.agentguard.Attr;
import dev.agentguard.AuditEvent;
import dev.agentguard.Risk;
import dev.agentguard.TaskSpec;
import dev.agentguard.core.AgentGuard;
import dev.agentguard.core.ApprovalQueue;
import dev.agentguard.core.Approvals;
import dev.agentguard.core.AuditSinks;
import dev.agentguard.core.DenialText;
import dev.agentguard.core.InMemoryAuditSink;
import dev.agentguard.core.PolicySet;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * Rolling a policy out safely: a HIGH-risk refund that a human approves once through the in-memory
 * approval queue (answered by another thread, as a chat command or a UI would), a second refund the
 * human refuses, and a shadow forbid that would have blocked a ticket read and only left a note in
 * the audit trail. See docs/approvals.md and docs/policy-language.md.
 *
 * <p>Run: {@code mvn -B -q -pl agentguard-examples -am compile exec:java -Dexec.mainClass=dev.agentguard.examples.RolloutDemo}
 */
public final class RolloutDemo {
  /** The demo's tools. */
  public interface SupportDesk {
    /** Refunds an order: HIGH risk, allowed only once a human approved it. */
    @AgentTool(value = "payments.refund", action = "refund", risk = Risk.HIGH)
    String refund(@Attr("resource.order") String order, @Attr("resource.amount") long cents);

    /** Reads a ticket. */
    @AgentTool(value = "tickets.read", action = "read", risk = Risk.LOW)
    String read(@Attr("resource.id") String ticket);
  }

  static final String POLICY = String.join("\n",
      "version: 1",
      "policies:",
      "  - id: support-reads",
      "    effect: permit",
      "    tools: [\"tickets.*\"]",
      "  - id: refunds-need-a-human",
      "    effect: permit",
      "    approval: required",
      "    tools: [\"payments.refund\"]",
      "  - id: no-vip-tickets",
      "    description: candidate rule, observed in shadow before it is enforced",
      "    effect: forbid",
      "    mode: shadow",
      "    tools: [\"tickets.read\"]",
      "    when: resource.id.startsWith('VIP-')",
      "");

  private RolloutDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the story and prints it.
   *
   * @return {tool bodies that ran, approvals granted, calls a shadow rule would have blocked}
   */
  public static int[] run(PrintStream out) throws Exception {
    ApprovalQueue approvals = Approvals.inMemory();
    InMemoryAuditSink audit = AuditSinks.inMemory();
    int[] ran = new int[1];
    SupportDesk impl = new SupportDesk() {
      @Override
      public String refund(String order, long cents) {
        ran[0]++;
        return "refunded " + cents + " cents on " + order;
      }

      @Override
      public String read(String ticket) {
        ran[0]++;
        return "ticket " + ticket;
      }
    };
    Thread approver = new Thread(() -> answer(approvals, out), "approver");
    try (AgentGuard guard = AgentGuard.builder().policy(PolicySet.parse(POLICY, "rollout-demo.yaml"))
        .approvals(approvals).approvalTimeout(Duration.ofSeconds(30)).auditSink(audit).build()) {
      SupportDesk desk = guard.protect(SupportDesk.class, impl);
      approver.start();
      try (AgentTask task = guard.startTask(TaskSpec.builder(AgentIdentity.of("spiffe://acme.example/agent/support-bot"))
          .purpose("refund order O-17").onBehalfOf("user:alice").scopes("payments.refund", "tickets.read").build())) {
        out.println("1. refund O-17 (HIGH risk, approval: required) ...");
        out.println("   -> " + desk.refund("O-17", 4_200));
        out.println("2. refund O-18 ...");
        try {
          desk.refund("O-18", 990_000);
        } catch (AccessDeniedException e) {
          out.println("   -> the model is told: " + DenialText.of(e.decision()));
        }
        out.println("3. read VIP-7 (a shadow forbid matches; it is not enforced yet) ...");
        out.println("   -> " + desk.read("VIP-7"));
        out.println("4. read T-1 ...");
        out.println("   -> " + desk.read("T-1"));
      }
      approver.join(30_000);
    }
    int granted = 0;
    int wouldBlock = 0;
    out.println("audit trail (approvals and shadow results):");
    for (AuditEvent e : audit.events()) {
      if (e.type().startsWith("approval.")) {
        granted += AuditEvent.APPROVAL_GRANTED.equals(e.type()) ? 1 : 0;
        out.println("  #" + e.seq() + " " + e.type() + " " + e.tool() + " " + e.reasons() + " parent=" + e.parent());
      } else if (AuditEvent.TOOL_DECISION.equals(e.type())) {
        out.println("  #" + e.seq() + " tool.decision " + e.tool() + " " + e.decision()
            + (e.code() == null ? "" : " " + e.code()) + " parent=" + e.parent()
            + (e.shadowRules().isEmpty() ? "" : " shadowRules=" + e.shadowRules()));
        wouldBlock += e.shadowRules().stream().anyMatch(r -> r.endsWith("=match")) ? 1 : 0;
      }
    }
    return new int[] {ran[0], granted, wouldBlock};
  }

  /** The approver: approves the first request it sees, refuses the second. */
  private static void answer(ApprovalQueue approvals, PrintStream out) {
    try {
      for (int i = 0; i < 2; i++) {
        Optional<ApprovalRequest> r = approvals.awaitPending(Duration.ofSeconds(30));
        if (r.isEmpty()) {
          return;
        }
        ApprovalRequest q = r.get();
        out.println("   [approver thread] " + q.id() + ": " + q.agent() + " for " + q.onBehalfOf() + " wants "
            + q.tool() + " " + q.attributes().get("resource.order") + " amount " + q.attributes().get("resource.amount")
            + " (rule " + q.policies() + ", deadline " + q.deadline() + ")");
        if (i == 0) {
          approvals.approve(q.id(), "user:bob (support lead)");
        } else {
          approvals.refuse(q.id(), "user:bob (support lead)");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
