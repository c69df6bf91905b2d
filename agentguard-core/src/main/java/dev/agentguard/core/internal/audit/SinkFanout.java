package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditSink;
import dev.agentguard.core.spi.AuditLineSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each sealed event to every sink in order (the JSON Lines sinks get its line alone, other
 * line sinks the line and the event, the rest the event, made only when one needs it), and flushes
 * and closes them. A sink whose
 * {@code write} or {@code flush} throws anything but a fatal {@link VirtualMachineError} (see
 * {@link Fatal}) is retried with the same event, in order, with exponential backoff from 10 ms to
 * 1 s; later events wait behind it. The failure is logged once when it starts and once when the
 * sink recovers. Once the close deadline passed, a sink that still fails is given up on and counts
 * the events it missed.
 *
 * <p>Used by the writer thread only, except {@link #status()} and {@link #giveUpAt}, which any
 * thread may call.
 *
 * @since 0.2.0
 */
final class SinkFanout {
  private static final Logger LOG = LoggerFactory.getLogger(AuditPipeline.class);
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * The failing sink (or {@code null}) and the last sink error (or {@code null}), published together.
   */
  record Status(String failingSink, String lastError) {
    static final Status OK = new Status(null, null);
  }

  private final AuditSink[] sinks;
  private final AuditLineSink[] encoded;
  /** The JSON Lines sinks, which take the bytes alone. */
  private final JsonLinesSink[] files;
  private final boolean[] failing;
  private final boolean[] abandoned;
  private final long[] missed;
  private volatile Status status = Status.OK;
  private volatile long giveUpAtNanos;
  private volatile boolean closing;

  SinkFanout(List<AuditSink> sinks) {
    this.sinks = sinks.toArray(new AuditSink[0]);
    this.encoded = new AuditLineSink[this.sinks.length];
    this.files = new JsonLinesSink[this.sinks.length];
    for (int i = 0; i < this.sinks.length; i++) {
      if (this.sinks[i] instanceof JsonLinesSink) {
        files[i] = (JsonLinesSink) this.sinks[i];
      }
      if (this.sinks[i] instanceof AuditLineSink) {
        encoded[i] = (AuditLineSink) this.sinks[i];
      }
    }
    this.failing = new boolean[this.sinks.length];
    this.abandoned = new boolean[this.sinks.length];
    this.missed = new long[this.sinks.length];
  }

  /** Failing sinks are given up on once {@code System.nanoTime()} passes {@code deadlineNanos}. */
  void giveUpAt(long deadlineNanos) {
    giveUpAtNanos = deadlineNanos;
    closing = true;
  }

  /** The current sink status; any thread. */
  Status status() {
    return status;
  }

  /** Records an error of another component (the signer) as the last error. */
  void otherError(String error) {
    Status s = status;
    if (!error.equals(s.lastError())) {
      status = new Status(s.failingSink(), error);
    }
  }

  /** Whether no sink was given up on. */
  boolean allLive() {
    for (boolean a : abandoned) {
      if (a) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the event {@code sealer} sealed last to every live sink, retrying failures: its line to
   * the JSON Lines sinks, the line and the event (made only then) to other line sinks, the event to
   * the rest.
   */
  void deliver(ChainSealer sealer) {
    byte[] line = sealer.lineBytes();
    int len = sealer.lineLength();
    for (int i = 0; i < sinks.length; i++) {
      if (abandoned[i]) {
        missed[i]++;
        continue;
      }
      long backoff = MIN_BACKOFF_NANOS;
      while (true) {
        try {
          if (files[i] != null) {
            files[i].writeLine(line, 0, len);
          } else if (encoded[i] != null) {
            encoded[i].write(sealer.event(), line, 0, len);
          } else {
            sinks[i].write(sealer.event());
          }
          recovered(i);
          break;
        } catch (Throwable t) {
          Fatal.rethrowIfFatal(t);
          if (!retry(i, t, "write", backoff)) {
            missed[i]++;
            break;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
      }
    }
  }

  /** Flushes every live sink, retrying failures. */
  void flushAll() {
    for (int i = 0; i < sinks.length; i++) {
      long backoff = MIN_BACKOFF_NANOS;
      while (!abandoned[i]) {
        try {
          sinks[i].flush();
          recovered(i);
          break;
        } catch (Throwable t) {
          Fatal.rethrowIfFatal(t);
          if (!retry(i, t, "flush", backoff)) {
            break;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
      }
    }
  }

  /** Closes every sink once; says how many events each given-up sink missed. */
  void closeAll(Duration closeTimeout) {
    for (int i = 0; i < sinks.length; i++) {
      try {
        sinks[i].close();
      } catch (Throwable t) {
        Fatal.rethrowIfFatal(t);
        status = new Status(status.failingSink(), sinkName(i) + ": " + t.getClass().getName());
        LOG.error("audit sink {} failed to close ({})", sinkName(i), t.getClass().getName());
      }
      if (abandoned[i]) {
        LOG.error("audit sink {} kept failing past closeTimeout {}; gave up on it: {} events were not "
            + "written to it", sinkName(i), closeTimeout, missed[i]);
      }
    }
  }

  /** Records a failure, waits the backoff; false when the sink is given up on (close deadline passed). */
  private boolean retry(int i, Throwable t, String op, long backoff) {
    String name = sinkName(i);
    String error = name + ": " + t.getClass().getName();
    if (!failing[i]) {
      failing[i] = true;
      status = new Status(name, error);
      LOG.warn("audit sink {} failed to {} ({}); retrying with backoff, later events wait behind it",
          name, op, t.getClass().getName());
    } else if (!error.equals(status.lastError())) {
      status = new Status(status.failingSink(), error);
    }
    long wait = backoff;
    if (closing) {
      long left = giveUpAtNanos - System.nanoTime();
      if (left <= 0) {
        abandoned[i] = true;
        return false;
      }
      wait = Math.min(wait, left);
    }
    LockSupport.parkNanos(wait);
    return true;
  }

  private void recovered(int i) {
    if (!failing[i]) {
      return;
    }
    failing[i] = false;
    LOG.info("audit sink {} recovered", sinkName(i));
    String stillFailing = null;
    for (int j = 0; j < failing.length && stillFailing == null; j++) {
      if (failing[j]) {
        stillFailing = sinkName(j);
      }
    }
    status = new Status(stillFailing, status.lastError());
  }

  private String sinkName(int i) {
    return "#" + i + " " + sinks[i].getClass().getName();
  }
}
