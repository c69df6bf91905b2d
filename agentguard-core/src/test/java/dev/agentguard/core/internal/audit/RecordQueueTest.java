package dev.agentguard.core.internal.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

// docs/security-cases.md #85
/** The lock-free record queue: bounded, every entry exactly once, each producer's entries in order. */
class RecordQueueTest {
  /** One producer's n-th entry. */
  private record Entry(int producer, int n) {}

  @Test
  void refusesBeyondItsCapacityAndTakesAgainOnceDrained() throws Exception {
    RecordQueue q = new RecordQueue(3); // not a power of two: the bound is the capacity, not the array
    assertTrue(q.offer("a") && q.offer("b") && q.offer("c"));
    assertFalse(q.offer("d"));
    assertFalse(q.offer("d", 1, TimeUnit.MILLISECONDS));
    assertEquals(3, q.size());
    assertSame("a", q.pollNow());
    assertTrue(q.offer("d"));
    List<Object> out = new ArrayList<>();
    q.drainTo(out, 10);
    assertEquals(List.of("b", "c", "d"), out);
    assertTrue(q.isEmpty());
    assertNull(q.pollNow());
    assertNull(q.poll(TimeUnit.MILLISECONDS.toNanos(5)));
  }

  @Test
  void aParkedConsumerIsWokenByTheNextEntry() throws Exception {
    RecordQueue q = new RecordQueue(4);
    CountDownLatch polling = new CountDownLatch(1);
    Object[] got = new Object[1];
    Thread consumer = new Thread(() -> {
      polling.countDown();
      got[0] = q.poll(TimeUnit.SECONDS.toNanos(30));
    });
    consumer.start();
    polling.await();
    long parkDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (consumer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < parkDeadline) {
      Thread.onSpinWait(); // until it parks: the wake-up, not the 30 s timeout, must end the poll
    }
    long start = System.nanoTime();
    assertTrue(q.offer("x"));
    consumer.join(10_000);
    assertEquals("x", got[0]);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "woken, not timed out");
  }

  @Test // docs/security-cases.md #114
  void soonAfterAnEntryTheConsumerDozesAndStillTakesTheNextOneWithoutBeingWoken() throws Exception {
    RecordQueue q = new RecordQueue(4);
    assertTrue(q.offer("first"));
    Object[] got = new Object[2];
    Thread consumer = new Thread(() -> {
      got[0] = q.poll(TimeUnit.SECONDS.toNanos(30));
      got[1] = q.poll(TimeUnit.SECONDS.toNanos(30)); // right after a take: dozes, producers need not wake it
    });
    consumer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!q.dozing() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(q.dozing(), "a consumer that just took an entry dozes before it asks to be woken");
    long start = System.nanoTime();
    assertTrue(q.offer("second"));
    consumer.join(10_000);
    assertEquals("first", got[0]);
    assertEquals("second", got[1]);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "picked up by a doze step, not the timeout");
    q.wake(); // no consumer: nothing to wake, never fails
  }

  @Test // docs/security-cases.md #114
  void aDozingConsumerThatIsInterruptedReturnsNothingAndKeepsNoInterrupt() throws Exception {
    RecordQueue q = new RecordQueue(4);
    assertTrue(q.offer("first"));
    Object[] got = new Object[2];
    boolean[] interruptedAfter = new boolean[1];
    Thread consumer = new Thread(() -> {
      got[0] = q.poll(TimeUnit.SECONDS.toNanos(30));
      Thread.currentThread().interrupt();
      got[1] = q.poll(TimeUnit.SECONDS.toNanos(30));
      interruptedAfter[0] = Thread.currentThread().isInterrupted();
    });
    consumer.start();
    consumer.join(10_000);
    assertFalse(consumer.isAlive(), "an interrupt ends the doze at once, as it ends a park");
    assertEquals("first", got[0]);
    assertNull(got[1]);
    assertFalse(interruptedAfter[0], "the poll consumed the interrupt, as before the doze");
  }

  @Test
  void manyProducersOneSmallQueueEveryEntryOnceInEachProducersOrder() throws Exception {
    int producers = 8;
    int each = 20_000;
    int capacity = 5;
    RecordQueue q = new RecordQueue(capacity);
    AtomicInteger maxSeen = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        for (int n = 0; n < each; n++) {
          try {
            while (!q.offer(new Entry(producer, n), 10, TimeUnit.MILLISECONDS)) {
              // full: try again (BLOCK does the same)
            }
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          maxSeen.accumulateAndGet(q.size(), Math::max);
        }
      });
      t.start();
      threads.add(t);
    }
    int[] next = new int[producers];
    int taken = 0;
    List<Object> batch = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (taken < producers * each && System.nanoTime() < deadline) {
      Object first = q.poll(TimeUnit.MILLISECONDS.toNanos(20));
      if (first == null) {
        continue;
      }
      batch.clear();
      batch.add(first);
      q.drainTo(batch, 3);
      for (Object o : batch) {
        Entry e = (Entry) o;
        assertEquals(next[e.producer()], e.n(), "order of producer " + e.producer());
        next[e.producer()]++;
        taken++;
      }
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertEquals(producers * each, taken);
    assertTrue(q.isEmpty());
    assertTrue(maxSeen.get() <= capacity, "held " + maxSeen.get() + " > " + capacity);
  }
}
