package dev.agentguard.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the compiled main classes of every
 * module (this module's test classpath holds them all).
 */
class ArchitectureTest {
  private static final String INTERNAL_CORE = "dev.agentguard.core.internal..";
  private static final String INTERNAL_API = "dev.agentguard.internal..";
  private static JavaClasses all;

  @BeforeAll
  static void importAll() {
    all = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.agentguard");
    if (all.size() < 200) {
      throw new AssertionError("imported only " + all.size() + " classes: the modules' classes are not on the classpath");
    }
  }

  @Test
  void theApiDependsOnNothingButTheJdk() {
    classes().that().resideInAnyPackage("dev.agentguard", INTERNAL_API)
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.agentguard", INTERNAL_API)
        .check(all);
  }

  @Test
  void onlyCoreUsesCoreInternals() {
    noClasses().that().resideOutsideOfPackage("dev.agentguard.core..")
        .should().dependOnClassesThat().resideInAPackage(INTERNAL_CORE)
        .check(all);
  }

  @Test
  void onlyApiAndCoreUseTheApisInternalPackage() {
    noClasses().that().resideOutsideOfPackages("dev.agentguard", INTERNAL_API, "dev.agentguard.core..")
        .should().dependOnClassesThat().resideInAPackage(INTERNAL_API)
        .check(all);
  }

  @Test
  void coreKnowsNoAdapterAndNoFramework() {
    noClasses().that().resideInAnyPackage("dev.agentguard", "dev.agentguard.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.agentguard.langchain4j..",
            "dev.agentguard.springai..", "dev.agentguard.springboot..", "dev.agentguard.mcp..",
            "dev.agentguard.cli..", "dev.agentguard.test..", "dev.agentguard.examples..",
            "dev.agentguard.opentelemetry..", "io.opentelemetry..",
            "dev.langchain4j..", "org.springframework..", "io.modelcontextprotocol..", "picocli..",
            "dev.agentguard.redis..", "io.lettuce..")
        .check(all);
  }

  @Test
  void adaptersDoNotDependOnEachOther() {
    noClasses().that().resideInAPackage("dev.agentguard.langchain4j..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.agentguard.springai..", "dev.agentguard.mcp..")
        .check(all);
    noClasses().that().resideInAPackage("dev.agentguard.mcp..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.agentguard.springai..", "dev.agentguard.langchain4j..")
        .check(all);
    noClasses().that().resideInAPackage("dev.agentguard.springai..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.agentguard.mcp..", "dev.agentguard.langchain4j..")
        .check(all);
  }

  @Test
  void publicSignaturesOfExportedPackagesNameNoInternalType() {
    methods().that().arePublic()
        .and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideInAnyPackage("dev.agentguard", "dev.agentguard.core",
            "dev.agentguard.core.spi", "dev.agentguard.test")
        .should(nameNoInternalType())
        .check(all);
  }

  private static ArchCondition<JavaMethod> nameNoInternalType() {
    return new ArchCondition<>("name no internal type in their return or parameter types") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        check(method, method.getRawReturnType(), events);
        for (JavaClass p : method.getRawParameterTypes()) {
          check(method, p, events);
        }
      }

      private void check(JavaMethod method, JavaClass type, ConditionEvents events) {
        JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
        if (base.getPackageName().contains(".internal")) {
          events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes " + base.getName()));
        }
      }
    };
  }
}
