package dev.agentguard.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis server for tests, on a free loopback port: the {@code redis-server} on the
 * {@code PATH} when there is one, otherwise the Redis 6.2 binary that
 * {@code com.github.codemonstur:embedded-redis} ships inside its jar. No Docker, no mock.
 *
 * <p>The server can be stopped ({@link #stop()}, a clean shutdown), killed ({@link #kill()},
 * {@code SIGKILL}, as a crashed server) and started again on the <em>same</em> port
 * ({@link #start()}), so a test can cut every client off mid-run and bring the server back. Each
 * server has its own working directory; nothing is persisted unless a configuration line asks
 * for it (for example {@code appendonly yes}, which then survives a restart).
 *
 * <p>Extra configuration lines go verbatim into the server's {@code redis.conf}, after the
 * harness's own ({@code port}, {@code bind}, {@code dir}, {@code save ""}), so they can set
 * {@code requirepass}, {@code user ...} ACL rules, {@code notify-keyspace-events} and so on.
 *
 * <pre>{@code
 * static RedisTestServer redis;
 * @BeforeAll static void startRedis() { redis = RedisTestServer.start("user alice on >pw ~* +@all"); }
 * @AfterAll static void stopRedis() { redis.close(); }
 * }</pre>
 *
 * <p>Thread-safety: start, stop and kill are synchronized; the accessors may be called from any
 * thread.
 */
public final class RedisTestServer implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

  private final Path binary;
  private final Path workDir;
  private final int port;
  private final List<String> configLines;
  private Process process;

  private RedisTestServer(Path binary, Path workDir, int port, List<String> configLines) {
    this.binary = binary;
    this.workDir = workDir;
    this.port = port;
    this.configLines = List.copyOf(configLines);
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @param configLines extra {@code redis.conf} lines, verbatim (may be empty)
   * @return the running server; close it after the test class
   * @throws IllegalStateException if no binary is found or the server does not answer in time
   */
  public static RedisTestServer start(String... configLines) {
    Objects.requireNonNull(configLines, "configLines");
    try {
      Path dir = Files.createTempDirectory("agentguard-redis-");
      RedisTestServer server = new RedisTestServer(findBinary(), dir, freePort(), List.of(configLines));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare a Redis server for the test", e);
    }
  }

  /**
   * (Re)starts the server on its port; does nothing if it is running.
   *
   * @throws IllegalStateException if the server does not answer within 20 seconds
   */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      Path conf = workDir.resolve("redis.conf");
      List<String> lines = new ArrayList<>();
      lines.add("port " + port);
      lines.add("bind 127.0.0.1");
      lines.add("dir " + workDir);
      lines.add("save \"\"");
      lines.add("logfile " + workDir.resolve("redis.log"));
      lines.add("daemonize no");
      lines.addAll(configLines);
      Files.write(conf, lines, StandardCharsets.UTF_8);
      process = new ProcessBuilder(binary.toString(), conf.toString())
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(workDir.resolve("redis.out").toFile())
          .start();
      awaitReady();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary, e);
    }
  }

  /** Stops the server cleanly (SIGTERM) and waits until it has exited; the port stays reserved. */
  public synchronized void stop() {
    end(false);
  }

  /** Kills the server (SIGKILL), as a crash would, and waits until it has exited. */
  public synchronized void kill() {
    end(true);
  }

  /** Returns whether the server process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Returns the loopback address the server listens on, {@code 127.0.0.1}. */
  public String host() {
    return "127.0.0.1";
  }

  /** Returns the port the server listens on; the same across restarts. */
  public int port() {
    return port;
  }

  /** Returns {@code redis://127.0.0.1:<port>}, without credentials. */
  public URI uri() {
    return URI.create("redis://" + host() + ":" + port);
  }

  /** Returns the file of the binary that runs (from the PATH or extracted from embedded-redis). */
  public Path binary() {
    return binary;
  }

  /** Stops the server and deletes its working directory. */
  @Override
  public synchronized void close() {
    end(false);
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }

  @Override
  public String toString() {
    return "RedisTestServer[" + uri() + ", " + binary.getFileName() + "]";
  }

  private void end(boolean forcibly) {
    Process p = process;
    if (p == null) {
      return;
    }
    if (forcibly) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    process = null;
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
            + tail(workDir.resolve("redis.log")) + tail(workDir.resolve("redis.out")));
      }
      if (answersPing()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for redis-server", e);
      }
    }
    end(true);
    throw new IllegalStateException("redis-server did not answer on port " + port + " within "
        + READY_TIMEOUT + ": " + tail(workDir.resolve("redis.log")));
  }

  /** PONG, or an error such as NOAUTH when a password is configured: either way it is serving. */
  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      return line != null && (line.startsWith("+PONG") || line.startsWith("-NOAUTH"));
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static Path findBinary() throws IOException {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(dir, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    // embedded-redis extracts the binary for this OS and architecture into a temp dir
    return ExecutableProvider.newJarResourceProvider().get().toPath();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
