package dev.agentguard.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Captures everything written to {@code System.err} (where {@code slf4j-simple} logs) while still
 * passing it through, so a test can scan its run's log lines for secrets that must never appear:
 *
 * <pre>{@code
 * static StderrCapture log;
 * @BeforeAll static void capture() { log = StderrCapture.start(); }
 * @AfterAll static void scan() { log.close(); StderrCapture.assertAbsent(log.text(), passwords, "the log"); }
 * }</pre>
 *
 * <p>Thread-safe: writes from any thread are captured in order.
 *
 * @since 0.2.0
 */
public final class StderrCapture implements AutoCloseable {
  private final PrintStream original;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private StderrCapture(PrintStream original) {
    this.original = original;
  }

  /** Replaces {@code System.err} with a stream that writes to the original and to the capture. */
  public static StderrCapture start() {
    StderrCapture c = new StderrCapture(System.err);
    System.setErr(new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        synchronized (c) {
          c.original.write(b);
          c.captured.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (c) {
          c.original.write(b, off, len);
          c.captured.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8));
    return c;
  }

  /** Everything captured so far, as UTF-8. */
  public synchronized String text() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Restores the original {@code System.err}; the capture stays readable. */
  @Override
  public void close() {
    System.setErr(original);
  }

  /**
   * Fails when any of {@code secrets} occurs in {@code output}, without quoting the secret.
   *
   * @throws AssertionError naming {@code where} and the index of the secret that appeared
   * @throws IllegalArgumentException if {@code secrets} is empty (a scan that cannot fail)
   */
  public static void assertAbsent(String output, Collection<String> secrets, String where) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no secrets to scan " + where + " for: the scan could not fail");
    }
    int i = 0;
    for (String s : secrets) {
      if (s != null && !s.isEmpty() && output.contains(s)) {
        throw new AssertionError("secret #" + i + " appeared in " + where);
      }
      i++;
    }
  }
}
