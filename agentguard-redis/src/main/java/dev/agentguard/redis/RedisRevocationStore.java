package dev.agentguard.redis;

import dev.agentguard.Risk;
import dev.agentguard.core.spi.RevocationStore;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's {@link RevocationStore}: revocations are written to Redis (sorted sets with expiry)
 * and announced on the fleet channel by one atomic script; every guard keeps a local mirror (the
 * in-memory store) that the per-call lookups read, fed by the channel and by a full resynchronisation
 * on start and after every reconnect.
 *
 * <p><b>When is the mirror current?</b> A resync that starts after the current subscription was
 * established and finishes with no disconnect, resubscription or lost heartbeat in between makes
 * the mirror complete as of its start (older entries were read, newer ones arrive on the channel).
 * After that, the guard's own heartbeat coming back on the channel confirms the mirror as of the
 * heartbeat's send time (a channel delivers in order). The view is stale while the current
 * subscription has not been resynchronised (so after a reconnect nothing is allowed before the
 * resync, docs/security-cases.md #49), or when the last confirmation is older than
 * {@code staleAfter} on the store's clock.
 *
 * <p><b>Agent revocations and clocks.</b> Redis gives every agent revocation a fleet sequence number;
 * a guard applies each number once, at its own clock's time, and counts it in the mirror's per-agent
 * revocation count. A task is revoked when that count grew after it started, so no two hosts' clocks
 * are ever compared (see {@link RevocationStore#agentRevocationCount}).
 *
 * <p><b>Revocations this guard makes</b> are applied to the mirror first (enforced here at once),
 * then written; when the write fails they are queued, retried every heartbeat and before every
 * resync, and the revoke
 * method throws {@link RedisFleetException} so the caller knows the fleet does not have it yet.
 *
 * <p>Thread-safe. Lookups are local reads; no network round trip happens on a call.
 */
final class RedisRevocationStore implements RevocationStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRevocationStore.class);
  /** Scores are doubles: keep-until times beyond 2^53 ms are clamped (year 287396). */
  private static final long MAX_KEEP = 1L << 53;

  private final FleetKeys keys;
  private final RedisCommands<String, String> redis;
  private final Clock clock;
  private final long staleAfterMillis;
  private final Risk staleDeniesFrom;
  private final String describe;
  private final RevocationStore mirror;
  private final java.util.concurrent.Executor notifier;
  private final Map<String, Long> appliedAgentSeq = new ConcurrentHashMap<>();
  private final Queue<Pending> outbox = new ConcurrentLinkedQueue<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** Grows on every (re)subscription: messages may have been lost, calls wait for a resync. */
  private final AtomicLong subscription = new AtomicLong();
  /** Grows on those and on every disconnect or lost heartbeat: confirmations wait for a resync. */
  private final AtomicLong generation = new AtomicLong();
  private final AtomicReference<Heartbeat> heartbeat = new AtomicReference<>();
  private volatile long syncedSubscription = -1;
  private volatile long syncedGeneration = -1;
  private volatile long confirmedAtMillis = Long.MIN_VALUE;
  private volatile String origin;

  /** A revocation this guard could not write yet. */
  private record Pending(char kind, String id, long keepUntilMillis) {}

  /** The heartbeat in flight: its nonce, the generation and time it was sent at. */
  private record Heartbeat(String nonce, long generation, long sentAtMillis) {}

  RedisRevocationStore(FleetKeys keys, RedisCommands<String, String> redis, Clock clock, long staleAfterMillis,
      Risk staleDeniesFrom, String origin, String describe, java.util.concurrent.Executor notifier) {
    this.notifier = notifier;
    this.keys = keys;
    this.redis = redis;
    this.clock = clock;
    this.staleAfterMillis = staleAfterMillis;
    this.staleDeniesFrom = staleDeniesFrom;
    this.origin = origin;
    this.describe = describe;
    this.mirror = RevocationStore.inMemory(clock);
  }

  // ---------------------------------------------------------------- writes (this guard's revocations)

  @Override
  public void revokeCredential(String credentialId, long keepUntilMillis) {
    mirror.revokeCredential(credentialId, keepUntilMillis);
    publishOrQueue(new Pending('c', credentialId, keepUntilMillis));
  }

  @Override
  public void revokeTask(String taskId, long keepUntilMillis) {
    mirror.revokeTask(taskId, keepUntilMillis);
    publishOrQueue(new Pending('t', taskId, keepUntilMillis));
  }

  @Override
  public void revokeAgent(String agentId, long revokedAtMillis, long keepUntilMillis) {
    mirror.revokeAgent(agentId, revokedAtMillis, keepUntilMillis);
    publishOrQueue(new Pending('a', agentId, keepUntilMillis));
  }

  private void publishOrQueue(Pending p) {
    try {
      publish(p);
    } catch (RuntimeException e) {
      outbox.add(p);
      LOG.warn("revocation of {} {} is enforced on this guard but not yet stored in Redis ({}); retried every heartbeat",
          kindName(p.kind), p.id, e.getClass().getSimpleName());
      throw new RedisFleetException("the revocation of " + kindName(p.kind) + " " + p.id
          + " is enforced on this guard but could not be stored in Redis (" + describe + "): "
          + e.getClass().getSimpleName() + "; it is retried every heartbeat and before every resync", e);
    }
  }

  private void publish(Pending p) {
    String zset = switch (p.kind) {
      case 'c' -> keys.credentials();
      case 't' -> keys.tasks();
      default -> keys.agents();
    };
    Long seq = redis.eval(Scripts.REVOKE, ScriptOutputType.INTEGER,
        new String[] {zset, keys.agentSeq(), keys.seq()},
        String.valueOf(p.kind), p.id, String.valueOf(Math.min(p.keepUntilMillis, MAX_KEEP)), keys.channel(), origin,
        String.valueOf(clock.millis()));
    if (p.kind == 'a' && seq != null) {
      appliedAgentSeq.merge(p.id, seq, Math::max);
    }
  }

  /** Writes queued revocations; stops at the first failure (kept for the next try). */
  void flushOutbox() {
    Pending p;
    while ((p = outbox.peek()) != null) {
      publish(p);
      outbox.remove(p);
    }
  }

  int pendingRevocations() {
    return outbox.size();
  }

  // ---------------------------------------------------------------- the feed

  /** A channel line arrived (on Lettuce's event loop: quick, never blocks). */
  void onMessage(String line) {
    RevocationMessage m = RevocationMessage.parse(line);
    if (m == null) {
      LOG.warn("ignored a malformed line on {}", keys.channel());
      return;
    }
    switch (m.kind()) {
      case 'h' -> confirm(m);
      case 'c' -> applyCredential(m.id(), m.keepUntilMillis(), m.origin());
      case 't' -> applyTask(m.id(), m.keepUntilMillis(), m.origin());
      default -> applyAgent(m.id(), m.seq(), m.keepUntilMillis(), m.origin());
    }
  }

  private void confirm(RevocationMessage m) {
    Heartbeat hb = heartbeat.get();
    if (hb != null && hb.nonce.equals(m.id()) && heartbeat.compareAndSet(hb, null)
        && hb.generation == generation.get() && syncedGeneration == hb.generation) {
      confirmed(hb.sentAtMillis);
    }
  }

  private void confirmed(long atMillis) {
    synchronized (this) {
      if (atMillis > confirmedAtMillis) {
        confirmedAtMillis = atMillis;
      }
    }
  }

  /** Applies a credential revocation from the channel or a resync; reported once (the lock). */
  private void applyCredential(String id, long keepUntil, String from) {
    synchronized (appliedAgentSeq) {
      if (mirror.isCredentialRevoked(id)) {
        return;
      }
      mirror.revokeCredential(id, keepUntil);
    }
    if (!origin.equals(from)) {
      listeners.forEach(l -> notify(() -> l.credentialRevoked(id, from)));
    }
  }

  /** Applies a task revocation from the channel or a resync; reported once (the lock). */
  private void applyTask(String id, long keepUntil, String from) {
    synchronized (appliedAgentSeq) {
      if (mirror.isTaskRevoked(id)) {
        return;
      }
      mirror.revokeTask(id, keepUntil);
    }
    if (!origin.equals(from)) {
      listeners.forEach(l -> notify(() -> l.taskRevoked(id, from)));
    }
  }

  /**
   * Applies an agent revocation once per fleet sequence number, at this guard's clock. This guard's
   * own revocations (its origin) were applied when they were made: their echo only records the
   * number, so a task started after a revocation that was queued during an outage is not revoked
   * when the queued write finally goes out.
   */
  private void applyAgent(String id, long seq, long keepUntil, String from) {
    boolean own = origin.equals(from);
    synchronized (appliedAgentSeq) {
      Long applied = appliedAgentSeq.get(id);
      if (applied != null && applied >= seq) {
        return;
      }
      appliedAgentSeq.put(id, seq);
      if (!own) {
        mirror.revokeAgent(id, clock.millis(), keepUntil);
      }
    }
    if (!own) {
      listeners.forEach(l -> notify(() -> l.agentRevoked(id, from)));
    }
  }

  /** Listeners run on the fleet's own thread: they write audit records, which may wait. */
  private void notify(Runnable r) {
    notifier.execute(() -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("a revocation listener failed: {}", e.toString());
      }
    });
  }

  /**
   * The subscription was (re)established: messages published while it was down are lost, so no call
   * is allowed until a resync read them (docs/security-cases.md #49).
   */
  void subscribed() {
    subscription.incrementAndGet();
    generation.incrementAndGet();
  }

  /**
   * The feed may have a gap (disconnect, lost heartbeat): stop confirming until the next resync;
   * calls stay allowed until the stale bound passes.
   */
  void feedInterrupted() {
    generation.incrementAndGet();
  }

  /** How many times the subscription was (re)established. */
  long subscriptions() {
    return subscription.get();
  }

  boolean needsResync() {
    return syncedGeneration != generation.get();
  }

  /**
   * Writes queued revocations, then reads every stored revocation and applies the ones the mirror
   * lacks. Marks the generation synced only when no disconnect or resubscription happened meanwhile.
   *
   * @throws RuntimeException when Redis cannot be reached (the view stays stale)
   */
  void resync() {
    long sub = subscription.get();
    long gen = generation.get();
    long startedAt = clock.millis();
    flushOutbox();
    String from = "the fleet (resynchronised)";
    for (ScoredValue<String> v : redis.zrangebyscoreWithScores(keys.credentials(), Range.unbounded())) {
      applyCredential(v.getValue(), (long) v.getScore(), from);
    }
    for (ScoredValue<String> v : redis.zrangebyscoreWithScores(keys.tasks(), Range.unbounded())) {
      applyTask(v.getValue(), (long) v.getScore(), from);
    }
    Map<String, String> seqs = redis.hgetall(keys.agentSeq());
    for (ScoredValue<String> v : redis.zrangebyscoreWithScores(keys.agents(), Range.unbounded())) {
      String seq = seqs.get(v.getValue());
      if (seq != null) {
        applyAgent(v.getValue(), Long.parseLong(seq), (long) v.getScore(), from);
      }
    }
    if (generation.get() == gen) {
      syncedSubscription = sub;
      syncedGeneration = gen;
      confirmed(startedAt);
    }
  }

  /**
   * Sends a heartbeat on the channel; its return through the subscription confirms the mirror. A
   * heartbeat still unanswered when the next one is due counts as a gap in the feed.
   */
  void sendHeartbeat() {
    if (heartbeat.getAndSet(null) != null) {
      feedInterrupted();
    }
    long gen = generation.get();
    if (syncedGeneration != gen) {
      return;
    }
    Heartbeat hb = new Heartbeat(UUID.randomUUID().toString(), gen, clock.millis());
    heartbeat.set(hb);
    redis.publish(keys.channel(), RevocationMessage.heartbeat(origin, hb.nonce));
  }

  void origin(String instanceId) {
    this.origin = instanceId;
  }

  // ---------------------------------------------------------------- lookups (local reads)

  @Override
  public boolean isCredentialRevoked(String credentialId) {
    return mirror.isCredentialRevoked(credentialId);
  }

  @Override
  public boolean isTaskRevoked(String taskId) {
    return mirror.isTaskRevoked(taskId);
  }

  @Override
  public long agentRevokedAtMillis(String agentId) {
    return mirror.agentRevokedAtMillis(agentId);
  }

  @Override
  public long agentRevocationCount(String agentId) {
    return mirror.agentRevocationCount(agentId);
  }

  @Override
  public long version() {
    return mirror.version();
  }

  @Override
  public boolean isStale() {
    long confirmed = confirmedAtMillis;
    return syncedSubscription != subscription.get() || confirmed == Long.MIN_VALUE
        || clock.millis() - confirmed > staleAfterMillis;
  }

  @Override
  public Risk staleDeniesFrom() {
    return staleDeniesFrom;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** When the mirror was last confirmed current (store clock millis), {@code Long.MIN_VALUE} if never. */
  long confirmedAtMillis() {
    return confirmedAtMillis;
  }

  @Override
  public String toString() {
    return "RedisRevocationStore[" + describe + "]";
  }

  private static String kindName(char kind) {
    return switch (kind) {
      case 'c' -> "credential";
      case 't' -> "task";
      default -> "agent";
    };
  }
}
