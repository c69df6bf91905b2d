package dev.agentguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in a real browser (headless Chromium, no network, fresh profile): the page
 * is not blank, logs no script error or CSP violation, and the {@code <script>} a model put into a
 * tool argument did not run. Skipped, with a line in the build output, when /usr/bin/chromium is
 * absent (Debian: apt-get install chromium).
 */
class ReportRenderingTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("agentguard.chromium", "/usr/bin/chromium"));

  @TempDir
  Path dir;

  @BeforeAll
  static void needsChromium() {
    if (!Files.isExecutable(CHROMIUM)) {
      System.err.println("[agentguard-cli] SKIPPED ReportRenderingTest: " + CHROMIUM
          + " not found; install Debian's chromium package to render the HTML report in a browser");
    }
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " not found: report rendering not checked");
  }

  private record Run(int code, String stdout, String stderr) {}

  private Run chromium(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--enable-logging=stderr", "--v=0",
        "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
    Path err = dir.resolve("chromium-" + System.nanoTime() + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void rendersANonBlankPageWithoutScriptErrorsAndTheInjectedScriptStaysText() throws Exception {
    Trails.Written w = Trails.write(dir, AuditReportCommandTest.PAYLOAD, 0);
    Path html = dir.resolve("report.html");
    assertEquals(Main.OK, Cli.run("audit", "report", w.file(), "--html", html).code());
    String url = html.toUri().toString();

    Path png = dir.resolve("report.png");
    // one browser run: the DOM after load on stdout, and a screenshot
    Run dom = chromium("--dump-dom", "--screenshot=" + png, "--window-size=1280,1600", "--hide-scrollbars", url);
    assertEquals(0, dom.code(), dom.stderr());
    assertTrue(dom.stdout().contains("<title>AgentGuard audit report</title>"), "the title was not changed by a script");
    assertTrue(dom.stdout().contains("VERIFIED: "), "the verification status rendered");
    assertTrue(dom.stdout().contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"), "the payload is text in the DOM");
    assertFalse(dom.stdout().contains("<img src=\"x\""), "no element was injected");
    for (String bad : List.of("Uncaught", "Refused to", "SyntaxError")) {
      assertFalse(dom.stderr().contains(bad), "browser log reports '" + bad + "':\n" + dom.stderr());
    }

    BufferedImage image = ImageIO.read(png.toFile());
    assertTrue(image != null && image.getWidth() > 0, "a screenshot was written");
    Set<Integer> colours = new HashSet<>();
    long inked = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        inked += rgb != 0xffffff ? 1 : 0;
      }
    }
    long sampled = (long) ((image.getHeight() + 1) / 2) * ((image.getWidth() + 1) / 2);
    assertTrue(colours.size() > 20, "the page has text and coloured status boxes, not one flat colour: " + colours.size());
    assertTrue(inked > sampled / 100, "more than 1% of the page is not white: " + inked + " of " + sampled);
    // the green verification box is drawn (the status of an untouched trail)
    assertTrue(colours.contains(0xdafbe1), "the green verification status box is visible");
  }
}
