package dev.agentguard.core.guard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link ApprovalVirtualThreadStress} in a child JVM of a JDK with virtual threads, named by
 * {@code AGENTGUARD_VT_JAVA} (its {@code bin/java}), as {@link VirtualThreadTasksTest} does; skipped
 * without it, and says so in the build output.
 */
class ApprovalVirtualThreadTest {
  @Test
  void aThousandApprovalsWaitOnVirtualThreadsWithoutPinningTheirCarriers() throws IOException, InterruptedException {
    String out = VirtualThreadTasksTest.runOnModernJava("ApprovalVirtualThreadTest", "", ApprovalVirtualThreadStress.class,
        List.of("-Djdk.virtualThreadScheduler.parallelism=2"), "1000");
    assertTrue(out.contains("virtual-thread approvals ok: 1000/1000"), out);
  }
}
