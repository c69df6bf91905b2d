package dev.agentguard.core.internal.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-flight count a task's close waits on: other threads' calls, never the closing thread's own (docs/security-cases.md #58). */
class InFlightCallsTest {

  @Test
  void theCurrentThreadsOwnCallsAreNeverCountedAsOthers() {
    InFlightCalls calls = new InFlightCalls();
    calls.enter();
    calls.enter(); // a tool calling another tool of the same task
    assertEquals(0, calls.ofOtherThreads());
    calls.exit();
    calls.exit();
    assertEquals(0, calls.ofOtherThreads());
  }

  @Test
  void callsOfAnotherThreadAreCountedUntilTheyExit() throws Exception {
    InFlightCalls calls = new InFlightCalls();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> other = pool.submit(() -> {
        calls.enter();
        calls.enter();
        entered.countDown();
        release.await();
        calls.exit();
        calls.exit();
        return null;
      });
      entered.await();
      calls.enter(); // this thread's own call does not change what it sees of the other thread
      assertEquals(2, calls.ofOtherThreads());
      release.countDown();
      other.get(10, TimeUnit.SECONDS);
      assertEquals(0, calls.ofOtherThreads());
      calls.exit();
      assertEquals(0, calls.ofOtherThreads());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void oneThreadInFlightOnManyTasksAtOnceKeepsEachCountApart() {
    List<InFlightCalls> tasks = new ArrayList<>();
    for (int i = 0; i < 9; i++) { // past the initial table size: nested wrap() calls on nine tasks
      InFlightCalls t = new InFlightCalls();
      t.enter();
      tasks.add(t);
    }
    for (InFlightCalls t : tasks) {
      assertEquals(0, t.ofOtherThreads());
      t.exit();
    }
    InFlightCalls reused = tasks.get(4);
    reused.enter();
    assertEquals(0, reused.ofOtherThreads(), "a freed slot is taken again, counted from zero");
    reused.exit();
  }

  @Test
  void anExitOnAThreadThatNeverEnteredChangesNothing() throws Exception {
    InFlightCalls calls = new InFlightCalls();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      pool.submit(calls::enter).get(10, TimeUnit.SECONDS);
      calls.exit(); // not this thread's call: the other thread's stays counted
      assertEquals(1, calls.ofOtherThreads());
      pool.submit(calls::exit).get(10, TimeUnit.SECONDS);
      assertEquals(0, calls.ofOtherThreads());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void manyThreadsEnteringAndExitingAtOnceLeaveNothingInFlight() throws Exception {
    InFlightCalls calls = new InFlightCalls();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            calls.enter();
            if (calls.ofOtherThreads() < 0) {
              throw new AssertionError("negative count of other threads' calls");
            }
            calls.exit();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(0, calls.ofOtherThreads());
    } finally {
      pool.shutdownNow();
    }
  }
}
