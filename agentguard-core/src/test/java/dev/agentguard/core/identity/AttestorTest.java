package dev.agentguard.core.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentguard.AgentIdentity;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only AgentGuard's SVID verifier can mint verified identities (issue 11.24): user code can neither
 * subclass {@link AgentIdentity.Attestor} nor obtain one.
 */
class AttestorTest {
  @TempDir
  Path out;

  @Test
  void userCodeThatSubclassesAttestorDoesNotCompile() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests run on a JDK");
    String source = String.join("\n",
        "import dev.agentguard.AgentIdentity;",
        "class Forger extends AgentIdentity.Attestor {",
        "  Forger() { super(\"jwt-svid\"); }",
        "  AgentIdentity mint() { return attest(\"spiffe://acme.example/admin\"); }",
        "}");
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Forger.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    String api = Path.of(AgentIdentity.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    StringWriter diagnostics = new StringWriter();
    Boolean compiled = javac.getTask(diagnostics, null, null,
        List.of("-classpath", api, "-d", out.toString()), null, List.of(file)).call();
    assertFalse(compiled, "a subclass of Attestor must not compile");
    assertTrue(diagnostics.toString().contains("final"), diagnostics.toString());
  }

  @Test
  void userCodeCannotObtainAnAttestor() {
    IllegalCallerException e = assertThrows(IllegalCallerException.class,
        () -> AgentIdentity.Attestor.forVerifier("jwt-svid"));
    assertTrue(e.getMessage().contains("SvidVerifier"), e.getMessage());
  }

  @Test
  void attestorIsFinalWithPrivateConstructorsOnly() {
    assertTrue(Modifier.isFinal(AgentIdentity.Attestor.class.getModifiers()));
    for (Constructor<?> c : AgentIdentity.Attestor.class.getDeclaredConstructors()) {
      assertTrue(Modifier.isPrivate(c.getModifiers()), c.toString());
    }
  }

  @Test
  void identitiesFromTheHostAreNeverVerified() {
    AgentIdentity claimed = AgentIdentity.of("spiffe://acme.example/admin", java.util.Map.of("team", "ops"));
    assertFalse(claimed.verified());
    assertEquals(false, claimed.attributes().get("verified"));
  }
}
