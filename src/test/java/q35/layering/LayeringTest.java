package q35.layering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package structure, checked on the compiled classes (ArchUnit reads the bytecode, so a
 * fully qualified name in the code counts as much as an import): no cycle between the q35
 * packages, and the verified kernel depends on nothing but itself and java.lang.
 */
class LayeringTest {

  static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("q35");

  @Test
  void thePackagesFormNoCycle() {
    slices().matching("q35.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void theKernelIsALeaf() {
    noClasses().that().resideInAPackage("q35.kernel..")
        .should().dependOnClassesThat().resideOutsideOfPackages("q35.kernel..", "java.lang..",
            "org.checkerframework..")
        .check(MAIN);
  }

  /** Negative control: the cycle rule does fail on classes that form a package cycle. */
  @Test
  void theCycleRuleFailsOnACycle() {
    JavaClasses cyclic = new ClassFileImporter().importClasses(
        q35.layering.fixture.a.A.class, q35.layering.fixture.b.B.class);
    assertThrows(AssertionError.class,
        () -> slices().matching("q35.layering.fixture.(*)..").should().beFreeOfCycles()
            .check(cyclic));
  }
}
