package dev.agentguard.redis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The guards of a fleet whose registration has not expired, and the newest policy version among
 * them: the one the fleet first saw most recently (by the Redis server's clock, so a guard restarted
 * on an old version never makes it "newest").
 *
 * @param members the live guards, by instance id
 * @param newestPolicyVersion the newest version any live guard runs, empty when none runs one
 * @since 0.2.0
 */
public record FleetView(List<FleetMember> members, Optional<String> newestPolicyVersion) {
  /** Copies the member list. */
  public FleetView {
    members = List.copyOf(members);
    Objects.requireNonNull(newestPolicyVersion, "newestPolicyVersion");
  }

  /** The guards that run a policy version other than the newest (or none at all). */
  public List<FleetMember> outdated() {
    return members.stream().filter(FleetMember::outdated).toList();
  }
}
