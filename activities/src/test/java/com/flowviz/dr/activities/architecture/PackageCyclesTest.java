package com.flowviz.dr.activities.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package cycle issue 16 broke stays broken: the secret stores read secrets and nothing else,
 * so the key sources (crypto) and the servers (postgres) that need secrets depend on them, never
 * the other way round.
 *
 * <p>A rule for every cycle of the module is not here: ArchUnit finds hundreds of elementary cycles
 * among the activities packages (archive headers between crypto and postgres, the globals key
 * naming between storage and postgres, table statistics between postgres and verify), and a frozen
 * {@code beFreeOfCycles} rule over them did not fail on a new cycle added for the purpose, so it
 * would only have looked like a check. Each of those is a move still to make.
 */
class PackageCyclesTest {

  private static final JavaClasses MAIN_CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("com.flowviz.dr.activities");

  @Test
  void secretStoresDependOnNoKeySourceAndNoServer() {
    noClasses()
        .that()
        .resideInAPackage("com.flowviz.dr.activities.secrets..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.flowviz.dr.activities.crypto..", "com.flowviz.dr.activities.postgres..")
        .check(MAIN_CLASSES);
  }
}
