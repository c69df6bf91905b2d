package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentguard.AgentTool;
import dev.agentguard.Risk;
import dev.agentguard.Sensitivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The tools an application declares, for {@code --tools}: read from the {@code @AgentTool} methods
 * of a jar or classes directory (classes are loaded without being initialised, so no static
 * initialiser runs), or from a JSON list of names or of {@code {"name", "risk", "sensitivity"}}
 * objects. Immutable once built.
 *
 * @since 0.2.0
 */
final class ToolCatalog {
  /** One tool; {@code risk} and {@code sensitivity} are {@code null} when the catalog does not say. */
  record Tool(String name, Risk risk, Sensitivity sensitivity) {}

  private final Path source;
  private final Map<String, Tool> tools;
  private final List<String> skipped;

  private ToolCatalog(Path source, Map<String, Tool> tools, List<String> skipped) {
    this.source = source;
    this.tools = tools;
    this.skipped = skipped;
  }

  /**
   * Reads a catalog.
   *
   * @throws CliException (usage) when the path does not exist or the JSON list is malformed
   */
  static ToolCatalog load(Path path) {
    if (!Files.exists(path)) {
      throw CliException.usage("tool catalog not found: " + path);
    }
    if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".json")) {
      return fromJson(path);
    }
    return fromClasses(path);
  }

  /** The file or directory the catalog came from. */
  Path source() {
    return source;
  }

  /** The tools by name, sorted. */
  Map<String, Tool> tools() {
    return tools;
  }

  /** The tool named {@code name}, if declared. */
  Optional<Tool> tool(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /** Classes that could not be read (a missing dependency), one line each. */
  List<String> skipped() {
    return skipped;
  }

  private static ToolCatalog fromJson(Path file) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw CliException.usage("tool catalog " + file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!root.isArray()) {
      throw CliException.usage("tool catalog " + file + " must be a JSON list of tool names or {\"name\": ...} objects");
    }
    Map<String, Tool> tools = new TreeMap<>();
    int index = 0;
    for (JsonNode n : root) {
      String where = "tool catalog " + file + " entry " + index++;
      try {
        if (n.isTextual()) {
          tools.put(n.asText(), new Tool(n.asText(), null, null));
        } else if (n.isObject() && n.path("name").isTextual()) {
          String name = n.get("name").asText();
          Risk risk = n.hasNonNull("risk") ? Risk.fromWireName(n.get("risk").asText()) : null;
          Sensitivity sensitivity = n.hasNonNull("sensitivity")
              ? Sensitivity.fromWireName(n.get("sensitivity").asText()) : null;
          tools.put(name, new Tool(name, risk, sensitivity));
        } else {
          throw CliException.usage(where + ": expected a name or an object with a string \"name\"");
        }
      } catch (IllegalArgumentException e) {
        throw CliException.usage(where + ": " + e.getMessage());
      }
    }
    return new ToolCatalog(file, tools, List.of());
  }

  private static ToolCatalog fromClasses(Path path) {
    List<String> classNames = classNames(path);
    Map<String, Tool> tools = new TreeMap<>();
    List<String> skipped = new ArrayList<>();
    URL url;
    try {
      url = path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw CliException.usage("cannot read tool catalog " + path + ": " + e.getMessage());
    }
    try (URLClassLoader loader = new URLClassLoader(new URL[] {url}, ToolCatalog.class.getClassLoader())) {
      for (String name : classNames) {
        try {
          Class<?> type = Class.forName(name, false, loader);
          for (Method m : type.getDeclaredMethods()) {
            AgentTool a = m.getAnnotation(AgentTool.class);
            if (a != null) {
              tools.put(a.value(), new Tool(a.value(), a.risk(), a.sensitivity()));
            }
          }
        } catch (ClassNotFoundException | LinkageError e) {
          skipped.add(name + ": " + e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ToolCatalog(path, tools, List.copyOf(skipped));
  }

  private static List<String> classNames(Path path) {
    List<String> out = new ArrayList<>();
    try {
      if (Files.isDirectory(path)) {
        try (Stream<Path> files = Files.walk(path)) {
          files.filter(f -> f.toString().endsWith(".class"))
              .map(f -> path.relativize(f).toString().replace('\\', '/'))
              .forEach(n -> addClass(out, n));
        }
      } else {
        try (JarFile jar = new JarFile(path.toFile())) {
          Enumeration<JarEntry> entries = jar.entries();
          while (entries.hasMoreElements()) {
            addClass(out, entries.nextElement().getName());
          }
        }
      }
    } catch (IOException e) {
      throw CliException.usage("cannot read tool catalog " + path + " (a jar, a classes directory or a .json list): "
          + e.getMessage());
    }
    out.sort(null);
    return out;
  }

  private static void addClass(List<String> out, String entry) {
    if (entry.endsWith(".class") && !entry.endsWith("module-info.class") && !entry.startsWith("META-INF/")) {
      out.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
    }
  }
}
