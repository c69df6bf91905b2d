package dev.agentguard.core.internal.audit;

import dev.agentguard.AuditEvent;
import dev.agentguard.core.JsonLinesOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one JSON object per line to a file (see {@link AuditJson} for the format). Opening an
 * existing file continues its chain from its last line; a torn last line (no newline) makes the sink
 * move the file aside as the next rotated file (logged) and continue from the last complete line in a
 * new file; a last line that does not parse or whose hash does not match fails the open.
 *
 * <p>Written by the audit writer thread only; not thread-safe.
 *
 * @since 0.1.0
 */
public final class JsonLinesSink implements EncodedAuditSink {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
  private static final int SELF_DRAIN_BYTES = 256 * 1024;

  private final Path path;
  private final JsonLinesOptions.Fsync fsync;
  private final long fsyncIntervalNanos;
  private final long maxFileBytes;
  private final ByteBuf pending = new ByteBuf(64 * 1024);
  private final ByteBuf encodeBuf = new ByteBuf(1024);
  private final ChainHead head;
  private FileChannel channel;
  private int pendingOff;
  private long fileBytes;
  private long lastForceNanos = System.nanoTime();
  private boolean dirty;
  private boolean closed;

  /**
   * Opens (creating or appending to) {@code path}.
   *
   * @throws UncheckedIOException if the file cannot be read or opened
   * @throws IllegalStateException if the existing file's last line is corrupt
   */
  public JsonLinesSink(Path path, JsonLinesOptions options) {
    this.path = path.toAbsolutePath();
    this.fsync = options.fsync();
    this.fsyncIntervalNanos = options.fsyncInterval().toNanos();
    this.maxFileBytes = options.maxFileBytes();
    try {
      this.head = inspectExisting();
      openChannel();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open audit log " + path, e);
    }
  }

  @Override
  public ChainHead resumeHead() {
    return head;
  }

  private ChainHead inspectExisting() throws IOException {
    if (!Files.exists(path) || Files.size(path) == 0) {
      return null;
    }
    long size = Files.size(path);
    int window = (int) Math.min(size, 2L * RecordBounds.MAX_LINE_BYTES + 2);
    byte[] tail = new byte[window];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.wrap(tail);
      long pos = size - window;
      while (bb.hasRemaining()) {
        int n = ch.read(bb, pos + bb.position());
        if (n < 0) {
          throw new IOException("file shrank while reading " + path);
        }
      }
    }
    boolean torn = tail[window - 1] != '\n';
    int end = torn ? window : window - 1;
    int lastNl = lastIndexOf(tail, end - 1, (byte) '\n');
    if (torn) {
      ChainHead h = null;
      if (lastNl >= 0) {
        int prevNl = lastIndexOf(tail, lastNl - 1, (byte) '\n');
        if (prevNl >= 0 || size == window) {
          h = headOf(tail, prevNl + 1, lastNl - prevNl - 1);
        }
      }
      Path aside = nextRotatedName();
      Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
      LOG.warn("audit log {} ends with a torn line (a crash mid-write); moved it to {} and start a new "
          + "file {}", path, aside, h == null ? "with a new chain" : "continuing the chain after seq " + h.seq());
      return h;
    }
    if (lastNl < 0 && size != window) {
      throw new IllegalStateException("audit log " + path + ": last line longer than "
          + RecordBounds.MAX_LINE_BYTES + " bytes; refusing to continue its chain");
    }
    return headOf(tail, lastNl + 1, end - lastNl - 1);
  }

  private ChainHead headOf(byte[] bytes, int off, int len) {
    AuditEvent e;
    try {
      e = AuditLineParser.parse(bytes, off, len);
    } catch (IllegalArgumentException ex) {
      throw new IllegalStateException("audit log " + path + ": last line is corrupt (" + ex.getMessage()
          + "); refusing to continue its chain");
    }
    if (!ChainSealer.hashOf(e).equals(e.hash())) {
      throw new IllegalStateException("audit log " + path + ": last line's hash does not match its "
          + "content; refusing to continue its chain");
    }
    return new ChainHead(e.seq(), e.hash());
  }

  private static int lastIndexOf(byte[] a, int from, byte b) {
    for (int i = from; i >= 0; i--) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private void openChannel() throws IOException {
    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    fileBytes = channel.size();
  }

  @Override
  public void write(AuditEvent event, byte[] line, int off, int len) throws IOException {
    writeLine(line, off, len);
  }

  /**
   * Takes one line ({@code line[off..off+len)}, ending with {@code \n}); the pipeline hands this
   * sink the bytes alone, without making the event.
   *
   * @throws IOException if it was not taken
   */
  void writeLine(byte[] line, int off, int len) throws IOException {
    if (closed) {
      throw new IllegalStateException("audit sink for " + path + " is closed");
    }
    if (maxFileBytes > 0 && fileBytes > 0 && fileBytes + len > maxFileBytes) {
      rotate();
    }
    if (channel == null) {
      openChannel();
    }
    pending.put(line, off, len);
    fileBytes += len;
    dirty = true;
    if (fsync == JsonLinesOptions.Fsync.EVERY_EVENT) {
      drain();
      force(false);
    } else if (pending.length() >= SELF_DRAIN_BYTES) {
      drain();
    }
  }

  @Override
  public void write(AuditEvent event) throws IOException {
    encodeBuf.reset();
    AuditJson.writeCanonical(event, encodeBuf);
    AuditJson.appendHash(encodeBuf, String.valueOf(event.hash()));
    write(event, encodeBuf.array(), 0, encodeBuf.length());
  }

  @Override
  public void flush() throws IOException {
    if (closed) {
      return;
    }
    if (channel == null) {
      openChannel();
    }
    drain();
    if (!dirty) {
      return;
    }
    boolean force = switch (fsync) {
      case EVERY_BATCH -> true;
      case INTERVAL -> System.nanoTime() - lastForceNanos >= fsyncIntervalNanos;
      case EVERY_EVENT, NEVER -> false;
    };
    if (force) {
      force(false);
    }
  }

  private void drain() throws IOException {
    int len = pending.length();
    while (pendingOff < len) {
      pendingOff += channel.write(ByteBuffer.wrap(pending.array(), pendingOff, len - pendingOff));
    }
    pending.reset();
    pendingOff = 0;
  }

  private void force(boolean metadata) throws IOException {
    channel.force(metadata);
    lastForceNanos = System.nanoTime();
    dirty = false;
  }

  private void rotate() throws IOException {
    if (channel != null) {
      drain();
      channel.force(true);
      channel.close();
      channel = null;
    }
    if (Files.exists(path) && Files.size(path) > 0) {
      Path target = nextRotatedName();
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      LOG.debug("rotated audit log {} to {}", path, target);
    }
    openChannel();
    syncDirectory();
    dirty = false;
  }

  private void syncDirectory() {
    Path dir = path.getParent();
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("cannot fsync directory {} on this platform ({})", dir, e.getClass().getName());
    }
  }

  private Path nextRotatedName() throws IOException {
    List<Path> rotated = rotatedFiles(path);
    long next = 1;
    if (!rotated.isEmpty()) {
      Path last = rotated.get(rotated.size() - 1);
      String name = last.getFileName().toString();
      next = Long.parseLong(name.substring(name.lastIndexOf('.') + 1)) + 1;
    }
    return path.resolveSibling(path.getFileName() + "." + next);
  }

  /**
   * The rotated files of {@code current} ({@code <name>.<n>}), oldest (smallest n) first, not
   * including {@code current} itself.
   *
   * @throws IOException if the directory cannot be listed
   */
  public static List<Path> rotatedFiles(Path current) throws IOException {
    Path abs = current.toAbsolutePath();
    Path dir = abs.getParent();
    String prefix = abs.getFileName() + ".";
    TreeMap<Long, Path> found = new TreeMap<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          if (n.startsWith(prefix)) {
            String suffix = n.substring(prefix.length());
            if (!suffix.isEmpty() && suffix.length() < 19 && suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
              found.put(Long.parseLong(suffix), p);
            }
          }
        }
      }
    }
    List<Path> out = new ArrayList<>(found.size());
    for (Map.Entry<Long, Path> e : found.entrySet()) {
      out.add(e.getValue());
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    try {
      if (channel != null) {
        drain();
        if (fsync != JsonLinesOptions.Fsync.NEVER) {
          channel.force(true);
        }
        channel.close();
        channel = null;
      }
    } finally {
      closed = true;
    }
  }

  @Override
  public String toString() {
    return "JsonLinesSink[" + path + "]";
  }
}
